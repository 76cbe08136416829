package io.dcp.beam;

import io.dcp.core.config.ConfigException;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.mapping.TransformingMapper;
import io.dcp.core.port.MessageTransform;
import io.dcp.core.schema.TableSchema;
import java.time.Clock;

/**
 * Makes mappers that run the job's UDF before mapping, with core's {@link TransformingMapper}: a
 * dropped message maps to no rows (counted in {@code messages_dropped}, never a dead letter), a
 * failed one is a {@code transform} dead letter of the original message.
 *
 * <p>Each DoFn instance holds its own copy of this factory (a DoFn is deserialized per instance),
 * so the script is compiled once per instance, when its {@code @Setup} makes the first mapper,
 * shared by every table's mapper of that instance, and closed by its {@code @Teardown} ({@link
 * #close}).
 */
final class TransformingMapperFactory implements MapMessagesFn.MapperFactory {
  private static final long serialVersionUID = 1L;
  private final MapMessagesFn.MapperFactory mappers;
  private final TransformScript script;
  private transient MessageTransform transform;
  private transient BeamPipelineMetrics metrics;

  /** Runs {@code script} before each mapper {@code mappers} makes. */
  TransformingMapperFactory(MapMessagesFn.MapperFactory mappers, TransformScript script) {
    this.mappers = mappers;
    this.script = script;
  }

  @Override
  public MessageMapper create(TableSchema schema, MappingConfig mapping, String source) {
    return transforming(mappers.create(schema, mapping, source));
  }

  @Override
  public MessageMapper createReportingNewColumns(
      TableSchema schema, MappingConfig mapping, String source) {
    return transforming(mappers.createReportingNewColumns(schema, mapping, source));
  }

  private MessageMapper transforming(MessageMapper mapper) {
    if (transform == null) {
      try {
        transform = script.compile();
      } catch (ConfigException e) {
        // The launcher compiled the same text before submitting the job.
        throw new IllegalStateException(
            "the UDF " + script.location() + " compiled at launch but not on this worker", e);
      }
      metrics = new BeamPipelineMetrics();
    }
    return new TransformingMapper(transform, mapper, metrics, Clock.systemUTC());
  }

  @Override
  public void close() {
    if (transform != null) {
      transform.close();
      transform = null;
    }
  }
}

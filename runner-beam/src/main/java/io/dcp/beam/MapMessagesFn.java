package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.io.PrintWriter;
import java.io.Serializable;
import java.io.StringWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;

/**
 * Maps each Pub/Sub message to rows with core's {@link JsonMessageMapper}, exactly as the
 * standalone runner does: each row to {@link #ROWS} beside its original message (the row BigQueryIO
 * hands back if it refuses the row, see {@link MessageRows}), a rejected message to {@link
 * #DEAD_LETTERS} as its whole dead-letter row. Never throws on a message: a mapper that throws
 * makes a {@code map} dead letter, as in the standalone runner, so one poison message cannot fail
 * bundles that a streaming job would retry forever.
 */
final class MapMessagesFn extends DoFn<PubsubMessage, KV<TableRow, TableRow>> {
  static final TupleTag<KV<TableRow, TableRow>> ROWS = new TupleTag<>() {};
  static final TupleTag<TableRow> DEAD_LETTERS = new TupleTag<>() {};

  /** Makes the mapper on a worker; production uses core's {@link JsonMessageMapper}. */
  @FunctionalInterface
  interface MapperFactory extends Serializable {
    MessageMapper create(TableSchema schema, MappingConfig mapping, String source);
  }

  private static final MapperFactory CORE =
      (schema, mapping, source) ->
          JsonMessageMapper.create(schema, mapping, source, Clock.systemUTC());

  private final String schemaJson;
  private final String mappingYaml;
  private final String source;
  private final MapperFactory mapperFactory;
  private transient MessageMapper mapper;
  private transient TableSchema schema;
  private transient BeamPipelineMetrics metrics;

  /**
   * @param schemaJson the table schema in BigQuery's JSON format
   * @param mappingYaml a dcp config whose mapping section applies, or empty for the defaults
   * @param source the subscription or files, named in metadata and dead letters
   */
  MapMessagesFn(String schemaJson, String mappingYaml, String source) {
    this(schemaJson, mappingYaml, source, CORE);
  }

  /** As above, with the mapper made by {@code mapperFactory}: for tests of the guard. */
  MapMessagesFn(String schemaJson, String mappingYaml, String source, MapperFactory mapperFactory) {
    this.schemaJson = schemaJson;
    this.mappingYaml = mappingYaml;
    this.source = source;
    this.mapperFactory = mapperFactory;
  }

  @Setup
  public void setup() throws SchemaException, ConfigException {
    schema = SchemaJson.parse(schemaJson, "the schema");
    MappingConfig mapping =
        mappingYaml.isEmpty() ? MappingConfig.typed() : ConfigLoader.loadMapping(mappingYaml);
    mapper = mapperFactory.create(schema, mapping, source);
    metrics = new BeamPipelineMetrics();
  }

  @ProcessElement
  public void process(
      @Element PubsubMessage element,
      @Timestamp org.joda.time.Instant timestamp,
      MultiOutputReceiver out) {
    Message message = toMessage(element, timestamp);
    metrics.messageReceived(message.size());
    MappingResult result;
    List<TableRow> rows = new ArrayList<>();
    try {
      result = mapper.map(message);
      if (result instanceof MappingResult.Mapped mapped) {
        for (Row row : mapped.rows()) {
          rows.add(TableRows.of(row, schema.fields()));
        }
      }
      if (result instanceof MappingResult.NewColumns columns) {
        // Only a mapping with schema evolution asks for columns, which this job does not add.
        result =
            new MappingResult.Rejected(
                DeadLetter.of(
                    message,
                    Stage.MAP,
                    "",
                    "fields "
                        + columns.columns().stream().map(f -> f.name()).toList()
                        + " have no column, and the Beam job does not add columns",
                    java.time.Instant.now()));
      }
    } catch (RuntimeException e) {
      rows.clear();
      result = new MappingResult.Rejected(unexpected(message, e));
    }
    if (result instanceof MappingResult.Rejected rejected) {
      out.get(DEAD_LETTERS).output(DeadLetterRows.of(rejected.deadLetter()));
      metrics.deadLettered(rejected.deadLetter().stage(), 1);
      return;
    }
    TableRow original = MessageRows.of(message);
    for (TableRow row : rows) {
      out.get(ROWS).output(KV.of(row, original));
    }
    metrics.rowsWritten(TableId.local("mapped"), rows.size());
  }

  /** The dead letter the standalone runner makes when a mapper breaks its promise not to throw. */
  private static DeadLetter unexpected(Message message, RuntimeException e) {
    StringWriter trace = new StringWriter();
    e.printStackTrace(new PrintWriter(trace));
    return new DeadLetter(
        message,
        Stage.MAP,
        "",
        "unexpected mapping failure: " + e,
        trace.toString(),
        java.time.Instant.now());
  }

  /**
   * The core message: bytes, attributes, id and ordering key untouched; publish time from the
   * timestamp (PubsubIO stamps each message with its publish time).
   */
  static Message toMessage(PubsubMessage element, org.joda.time.Instant timestamp) {
    Map<String, String> attributes = element.getAttributeMap();
    return new Message(
        element.getMessageId() == null ? "" : element.getMessageId(),
        element.getPayload(),
        attributes == null ? Map.of() : attributes,
        java.time.Instant.ofEpochMilli(timestamp.getMillis()),
        element.getOrderingKey() == null ? "" : element.getOrderingKey(),
        0);
  }
}

package io.dcp.runner.standalone;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.dcp.adapters.http.HttpPublishSource;
import io.dcp.adapters.http.HttpSourceSection;
import io.dcp.adapters.http.HttpSourceSettings;
import io.dcp.adapters.javascript.JavaScriptTransformSection;
import io.dcp.adapters.ndjson.NdjsonMessageSource;
import io.dcp.adapters.ndjson.NdjsonSourceSection;
import io.dcp.adapters.ndjson.NdjsonSourceSettings;
import io.dcp.adapters.pubsub.PubSubDeadLetterSection;
import io.dcp.adapters.pubsub.PubSubDeadLetterSink;
import io.dcp.adapters.pubsub.PubSubMessageSource;
import io.dcp.adapters.pubsub.PubSubSourceSection;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.config.DeadLetterType;
import io.dcp.core.config.SourceType;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.routing.Destinations;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * Wires a run from its config: the source, sink and dead-letter sink the config names, the mapper
 * for the table's schema, the metrics backend, and the pipeline. Only wiring lives here.
 */
final class PipelineModule extends AbstractModule {
  private final DcpConfig config;

  PipelineModule(DcpConfig config) {
    this.config = config;
  }

  @Override
  protected void configure() {
    bind(DcpConfig.class).toInstance(config);
    bind(Clock.class).toInstance(Clock.systemUTC());
    install(new MetricsModule(config.metrics()));
  }

  @Provides
  @Singleton
  TableSchema schema() throws SchemaException {
    return SchemaJson.read(Path.of(config.table().schema()));
  }

  /** The tables rows go to, prepared as the config allows; see {@link DestinationsFactory}. */
  @Provides
  @Singleton
  Destinations destinations(
      TableSchema schema,
      Warehouse warehouse,
      Clock clock,
      TransformStep transform,
      PipelineMetrics metrics)
      throws SinkException, SchemaException {
    return DestinationsFactory.open(
        config, schema, warehouse, clock, true, mapper -> transform.around(mapper, metrics, clock));
  }

  /** The message transform of the {@code transform} section, if any; compiled at start. */
  @Provides
  @Singleton
  TransformStep transform() throws ConfigException {
    return TransformStep.open(config.section(JavaScriptTransformSection.INSTANCE));
  }

  @Provides
  @Singleton
  MessageSource source(Clock clock, Warehouse warehouse) {
    SourceType type = config.source().kind();
    if (type instanceof SourceType.PubSub) {
      // The pipeline's in-flight bounds are the pull's flow control.
      return new PubSubMessageSource(
          config
              .section(PubSubSourceSection.INSTANCE)
              .orElseThrow()
              .withMaxOutstanding(
                  config.pipeline().maxInFlightMessages(), config.pipeline().maxInFlightBytes()),
          System.getenv());
    }
    if (type instanceof SourceType.Http) {
      HttpSourceSettings http = config.section(HttpSourceSection.INSTANCE).orElseThrow();
      return new HttpPublishSource(
          http.host(),
          http.port(),
          httpTopics(http),
          http.maxRequestBytes(),
          http.token(),
          config.pipeline().maxInFlightMessages(),
          http.ackTimeout(),
          clock);
    }
    NdjsonSourceSettings files = config.section(NdjsonSourceSection.INSTANCE).orElseThrow();
    return new NdjsonMessageSource(
        files.paths(),
        System.in,
        clock,
        files.maxAttempts(),
        config.mapping().maxPayloadBytes(),
        warehouse.ndjsonProgress());
  }

  /**
   * The warehouse the config's {@code sink} names; {@code dcp run} closes it after the pipeline
   * stopped.
   */
  @Provides
  @Singleton
  Warehouse warehouse() throws SinkException {
    return Warehouse.open(config);
  }

  @Provides
  @Singleton
  RowSink rowSink(Warehouse warehouse) {
    // Tables are prepared with the destinations, one by one as the route opens them.
    return warehouse.rowSink();
  }

  @Provides
  @Singleton
  DeadLetterSink deadLetterSink(RowSink rows) throws SinkException {
    if (config.deadLetter().kind() instanceof DeadLetterType.PubSubTopic) {
      return new PubSubDeadLetterSink(
          config.section(PubSubDeadLetterSection.INSTANCE).orElseThrow(),
          AdapterSections.sourceName(config),
          System.getenv());
    }
    return new TableDeadLetterSink(rows, TableId.parse(config.deadLetter().table()));
  }

  @Provides
  @Singleton
  IngestPipeline pipeline(
      MessageSource source,
      Destinations destinations,
      RowSink rowSink,
      DeadLetterSink deadLetterSink,
      PipelineMetrics metrics,
      Clock clock) {
    return new IngestPipeline(
        source, destinations, rowSink, deadLetterSink, config.pipeline(), metrics, clock);
  }

  /** The topics the HTTP endpoint takes: configured, or one named like the table. */
  private Set<String> httpTopics(HttpSourceSettings http) {
    List<String> topics = http.topics();
    if (!topics.isEmpty()) {
      return Set.copyOf(topics);
    }
    String table = config.table().id();
    return Set.of(table.substring(table.lastIndexOf('.') + 1));
  }
}

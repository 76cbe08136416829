package io.dcp.runner.standalone;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.dcp.adapters.bigquery.BigQueryTableAdmin;
import io.dcp.adapters.bigquery.StorageWriteRowSink;
import io.dcp.adapters.bigquery.StorageWriteSettings;
import io.dcp.adapters.duckdb.DuckDbRowSink;
import io.dcp.adapters.http.HttpPublishSource;
import io.dcp.adapters.ndjson.NdjsonMessageSource;
import io.dcp.adapters.pubsub.PubSubDeadLetterSettings;
import io.dcp.adapters.pubsub.PubSubDeadLetterSink;
import io.dcp.adapters.pubsub.PubSubMessageSource;
import io.dcp.adapters.pubsub.PubSubSourceSettings;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.Destinations;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.pipeline.TableRoute;
import io.dcp.core.pipeline.TableSetup;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

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

  /**
   * The tables rows go to: {@code table.id}, or those {@code table.route} names, each with its
   * schema and mapper; with {@code schema.evolution: add-columns}, mappers that report new fields.
   * Prepares the BigQuery tables first (and the dead-letter table), as the config allows.
   */
  @Provides
  @Singleton
  Destinations destinations(TableSchema schema, RowSink rows, Clock clock)
      throws SinkException, SchemaException {
    DcpConfig.Table table = config.table();
    Map<TableId, TableSchema> schemas = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : table.schemas().entrySet()) {
      schemas.put(TableId.parse(e.getKey()), SchemaJson.read(Path.of(e.getValue())));
    }
    Function<TableSchema, MessageMapper> mappers =
        s -> {
          JsonMessageMapper mapper =
              JsonMessageMapper.create(s, config.mapping(), sourceName(), clock);
          return table.addColumns() ? mapper.reportingNewColumns() : mapper;
        };
    // Every schema must fit the mapping before anything is pulled.
    mappers.apply(schema);
    schemas.values().forEach(mappers::apply);
    Optional<TableAdmin> admin = Optional.empty();
    Optional<TableSetup> setup = Optional.empty();
    if (rows instanceof DuckDbRowSink duckdb) {
      admin = Optional.of(duckdb.tableAdmin());
    } else {
      admin =
          Optional.of(
              BigQueryTableAdmin.connect(
                  config.sink().bigqueryProject(), config.sink().bigqueryRestEndpoint()));
      setup =
          Optional.of(
              new TableSetup(
                  admin.get(), table.create(), table.options(), table.addMissingColumns()));
      if (config.deadLetter().type().equals("table")) {
        // The table admin logs each change it makes.
        setup.get().prepareDeadLetterTable(TableId.parse(config.deadLetter().table()));
      }
    }
    return Destinations.open(
        new Destinations.Settings(
            TableId.parse(table.id()),
            schema,
            schemas,
            table.route().isEmpty()
                ? Optional.empty()
                : Optional.of(TableRoute.parse(table.route())),
            table.routeMaxTables(),
            mappers,
            admin,
            setup,
            table.addColumns()));
  }

  @Provides
  @Singleton
  MessageSource source(Clock clock) {
    DcpConfig.Source source = config.source();
    return switch (source.type()) {
      case "pubsub" -> {
        DcpConfig.PubSubSource pubsub = source.pubsub();
        yield new PubSubMessageSource(
            new PubSubSourceSettings(
                pubsub.subscription(),
                pubsub.endpoint(),
                pubsub.parallelPullCount(),
                pubsub.executorThreads(),
                config.pipeline().maxInFlightMessages(),
                config.pipeline().maxInFlightBytes(),
                pubsub.maxAckExtension()),
            System.getenv());
      }
      case "http" ->
          new HttpPublishSource(
              source.httpHost(),
              source.httpPort(),
              source.httpMaxRequestBytes(),
              source.httpToken(),
              config.pipeline().maxInFlightMessages(),
              source.httpAckTimeout(),
              clock);
      default ->
          new NdjsonMessageSource(
              source.ndjsonPaths(), System.in, clock, source.ndjsonMaxAttempts());
    };
  }

  @Provides
  @Singleton
  RowSink rowSink() throws SinkException {
    return switch (config.sink().type()) {
      case "bigquery" -> {
        StorageWriteSettings settings =
            StorageWriteSettings.defaults(config.sink().bigqueryProject());
        yield new StorageWriteRowSink(
            config.sink().bigqueryEndpoint().isEmpty()
                ? settings
                : settings.withEndpoint(config.sink().bigqueryEndpoint()));
      }
      default -> DuckDbRowSink.open(config.sink().duckdbPath());
    };
  }

  @Provides
  @Singleton
  DeadLetterSink deadLetterSink(RowSink rows) throws SinkException {
    if (config.deadLetter().type().equals("pubsub-topic")) {
      DcpConfig.PubSubTopic topic = config.deadLetter().pubsub();
      return new PubSubDeadLetterSink(
          new PubSubDeadLetterSettings(
              topic.topic(),
              topic.endpoint(),
              topic.maxBatchMessages(),
              topic.maxBatchBytes(),
              topic.maxBatchDelay(),
              topic.publishTimeout()),
          config.source().name(),
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

  private String sourceName() {
    return config.source().name();
  }
}

package io.dcp.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.mapping.ColumnSource;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.UnknownFields;
import io.dcp.core.port.TableOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private Path file(String yaml) throws Exception {
    Path path = dir.resolve("dcp.yaml");
    Files.writeString(path, yaml);
    return path;
  }

  private static final String MINIMAL = ConfigLoads.MINIMAL;

  @Test
  void fillsEveryKeyTheFileLeavesOutWithItsDefault() throws Exception {
    DcpConfig config = new ConfigLoader(Map.of()).load(file(MINIMAL), List.of());

    // The source.ndjson and sink.duckdb settings: adapters-local's section tests.
    assertThat(config.source().type()).isEqualTo("ndjson");
    assertThat(config.sink().type()).isEqualTo("duckdb");
    assertThat(config.deadLetter().table()).isEqualTo("dead_letters");
    assertThat(config.pipeline().maxBatchLatency()).isEqualTo(Duration.ofMillis(200));
    assertThat(config.pipeline().retry().maxAttempts()).isEqualTo(8);
    assertThat(config.admin()).isEqualTo(new DcpConfig.Admin(true, "127.0.0.1", 8081));
    assertThat(config.mapping().unknownFields()).isEqualTo(UnknownFields.IGNORE);
  }

  @Test
  void flagsOverrideTheEnvironmentWhichOverridesTheFile() throws Exception {
    Path path = file(MINIMAL + "pipeline:\n  maxBatchRows: 100\n  writeThreads: 2\n");
    ConfigLoader loader =
        new ConfigLoader(
            Map.of(
                "DCP_PIPELINE_MAX_BATCH_ROWS",
                "200",
                "DCP_PIPELINE_WRITE_THREADS",
                "3",
                "DCP_DEAD_LETTER_TABLE",
                "env_dead_letters"));

    DcpConfig config =
        loader.load(
            path, List.of("pipeline.maxBatchRows=300", "mapping.columns.id=metadata:message_id"));

    assertThat(config.pipeline().maxBatchRows()).isEqualTo(300);
    assertThat(config.pipeline().writeThreads()).isEqualTo(3);
    assertThat(config.deadLetter().table()).isEqualTo("env_dead_letters");
    assertThat(config.mapping().columns())
        .containsEntry("id", ColumnSource.parse("metadata:message_id"));
  }

  @Test
  void metricsGoToPrometheusUnlessStatsdIsChosen() throws Exception {
    DcpConfig config = new ConfigLoader(Map.of()).load(file(MINIMAL), List.of());

    assertThat(config.metrics())
        .isEqualTo(
            new DcpConfig.Metrics(
                "prometheus", Map.of(), "127.0.0.1", 8125, "datadog", Duration.ofSeconds(10)));
  }

  @Test
  void readsStatsdSettingsAndCommonTagsFromFileVariablesAndFlags() throws Exception {
    Path path =
        file(
            MINIMAL
                + """
                metrics:
                  backend: statsd
                  tags:
                    env: prod
                    service: quotes
                  statsd:
                    host: datadog-agent
                    flavor: Telegraf
                """);

    DcpConfig fromFile = new ConfigLoader(Map.of()).load(path, List.of("metrics.tags.team=data"));
    DcpConfig fromVariables =
        new ConfigLoader(
                Map.of(
                    "DCP_METRICS_TAGS", "env=staging, service=quotes",
                    "DCP_METRICS_STATSD_PORT", "9125",
                    "DCP_METRICS_STATSD_POLLING_FREQUENCY", "1s"))
            .load(path, List.of());

    assertThat(fromFile.metrics())
        .isEqualTo(
            new DcpConfig.Metrics(
                "statsd",
                Map.of("env", "prod", "service", "quotes", "team", "data"),
                "datadog-agent",
                8125,
                "telegraf",
                Duration.ofSeconds(10)));
    assertThat(fromVariables.metrics().tags())
        .isEqualTo(Map.of("env", "staging", "service", "quotes"));
    assertThat(fromVariables.metrics().statsdPort()).isEqualTo(9125);
    assertThat(fromVariables.metrics().statsdPollingFrequency()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void readsRoutingAndEvolutionSettings() throws Exception {
    DcpConfig config =
        new ConfigLoader(Map.of("DCP_TABLE_SCHEMAS", "events_click=click.json"))
            .load(
                file(MINIMAL),
                List.of("table.route=events_${attr:type}", "schema.evolution=add-columns"));

    assertThat(config.table().route()).isEqualTo("events_${attr:type}");
    assertThat(config.table().routeMaxTables()).isEqualTo(100);
    assertThat(config.table().schemas()).isEqualTo(Map.of("events_click", "click.json"));
    assertThat(config.table().addColumns()).isTrue();
  }

  @Test
  void reportsBadRoutingAndEvolutionSettingsWithTheirKeys() throws Exception {
    assertThatThrownBy(
            () ->
                new ConfigLoader(Map.of())
                    .load(
                        file(MINIMAL),
                        List.of(
                            "table.schemas.a b/c=x.json",
                            "table.route=events_${header:type}",
                            "table.routeMaxTables=0",
                            "schema.evolution=rename-columns")))
        .isInstanceOf(ConfigException.class)
        .extracting(
            e -> ((ConfigException) e).problems().stream().map(ConfigProblem::toString).toList())
        .isEqualTo(
            List.of(
                "schema.evolution: 'rename-columns' is not one of none, add-columns",
                "table.route: '${header:type}' is not a placeholder dcp knows: use ${attr:NAME} for"
                    + " an attribute or ${field:NAME} (or ${field:a.b}) for a payload field",
                "table.routeMaxTables: '0' is not a whole number greater than 0",
                "table.schemas.a b/c: invalid table name 'a b/c': 1-1024 letters, digits,"
                    + " underscores, dashes or spaces"));
    assertThatThrownBy(
            () ->
                new ConfigLoader(Map.of())
                    .load(
                        file(MINIMAL),
                        List.of(
                            "table.schemas=t=t.json",
                            "schema.evolution=add-columns",
                            "mapping.mode=raw",
                            "mapping.columns.payload=metadata:payload")))
        .isInstanceOf(ConfigException.class)
        .extracting(
            e -> ((ConfigException) e).problems().stream().map(ConfigProblem::toString).toList())
        .isEqualTo(
            List.of(
                "schema.evolution: raw mode keeps the whole payload in one column, so no field"
                    + " becomes a column: use mapping.mode typed, or schema.evolution none",
                "table.schemas: only routed tables take their own schema: set table.route too"));
  }

  @Test
  void reportsBadMetricsSettingsWithTheirKeys() throws Exception {
    ConfigLoader loader = new ConfigLoader(Map.of("DCP_METRICS_TAGS", "env=prod,prod"));

    assertThatThrownBy(
            () ->
                loader.load(
                    file(MINIMAL),
                    List.of(
                        "metrics.backend=graphite",
                        "metrics.statsd.host=",
                        "metrics.statsd.port=0",
                        "metrics.statsd.flavor=sysdig",
                        "metrics.statsd.pollingFrequency=often")))
        .isInstanceOf(ConfigException.class)
        .extracting(
            e -> ((ConfigException) e).problems().stream().map(ConfigProblem::toString).toList())
        .isEqualTo(
            List.of(
                "metrics.backend: 'graphite' is not one of prometheus, statsd",
                "metrics.statsd.flavor: 'sysdig' is not one of datadog, etsy, telegraf",
                "metrics.statsd.pollingFrequency: 'often' is not a duration such as 200ms, 30s, 5m or 1h",
                "metrics.statsd.port: '0' is not a whole number greater than 0",
                "metrics.tags: 'prod' is not name=value; write env=prod,service=quotes or a YAML mapping"));
    assertThatThrownBy(
            () ->
                new ConfigLoader(Map.of())
                    .load(file(MINIMAL), List.of("metrics.backend=statsd", "metrics.statsd.host=")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "metrics.statsd.host: required when metrics.backend is statsd: the StatsD agent's host, e.g. 127.0.0.1");
  }

  @Test
  void namesEnvironmentVariablesAfterTheirKeys() {
    assertThat(ConfigLoader.environmentName("pipeline.retry.maxAttempts"))
        .isEqualTo("DCP_PIPELINE_RETRY_MAX_ATTEMPTS");
    assertThat(ConfigLoader.environmentName("sink.duckdb.path")).isEqualTo("DCP_SINK_DUCKDB_PATH");
  }

  @Test
  void reportsEveryProblemAtOnceWithItsKeyAndFix() throws Exception {
    // With the adapters' sections, the same file has their problems too: runner-standalone's
    // AdapterSectionsTest.
    Path path =
        file(
            """
            source:
              type: kafka
            sink:
              type: duckdb
              duckdb:
                pth: x.duckdb
            table:
              id: "a.b.c.d"
            mapping:
              unknownFields: drop
              columns:
                id: "$.id"
            pipeline:
              maxBatchRows: -1
              maxBatchLatency: soon
            admin:
              port: 70000
            """);

    assertThatThrownBy(
            () -> new ConfigLoader(Map.of()).load(path, List.of("pipeline.maxBatchRow=5")))
        .isInstanceOf(ConfigException.class)
        .extracting(
            e -> ((ConfigException) e).problems().stream().map(ConfigProblem::toString).toList())
        .isEqualTo(
            List.of(
                "admin.port: 70000 is not a TCP port (1-65535)",
                "mapping.columns.id: column source '$.id' is not a JSON Pointer (/a/b), attribute:NAME or metadata:FIELD",
                "mapping.unknownFields: 'drop' is not one of ignore, reject, keep",
                "pipeline.maxBatchLatency: 'soon' is not a duration such as 200ms, 30s, 5m or 1h",
                "pipeline.maxBatchRow: unknown key; did you mean 'pipeline.maxBatchRows'?",
                "pipeline.maxBatchRows: '-1' is not a whole number greater than 0",
                "sink.duckdb.pth: unknown key; did you mean 'path'?",
                "source.type: 'kafka' is not one of ndjson, http, pubsub",
                "table.id: 'a.b.c.d' is not a table id: expected project.dataset.table",
                "table.schema: required: a BigQuery JSON schema file (bq show --schema --format=prettyjson)"));
  }

  @Test
  void readsAPubSubToBigQueryConfig() throws Exception {
    Path path =
        file(
            """
            source:
              type: pubsub
              pubsub:
                subscription: projects/my-project/subscriptions/quotes-dcp
                parallelPullCount: 2
            sink:
              type: bigquery
              bigquery:
                project: my-project
            deadLetter:
              type: pubsub-topic
              pubsub:
                topic: projects/my-project/topics/quotes-dead-letters
            table:
              id: my-project.market.quotes
              schema: quotes.json
              create: true
              partitioning: day
              partitionColumn: ts
              clustering: [symbol, venue]
            """);

    DcpConfig config = new ConfigLoader(Map.of()).load(path, List.of());

    // The source.pubsub, sink.bigquery and deadLetter.pubsub settings, and the source's name:
    // the adapters' section tests.
    assertThat(config.source().kind()).isEqualTo(SourceType.PUBSUB);
    assertThat(config.sink().kind()).isEqualTo(SinkType.BIGQUERY);
    assertThat(config.deadLetter().type()).isEqualTo("pubsub-topic");
    assertThat(config.table().create()).isTrue();
    assertThat(config.table().options())
        .isEqualTo(
            new TableOptions(TableOptions.Partitioning.DAY, "ts", List.of("symbol", "venue")));
  }

  @Test
  void readsTheMappingSectionAloneForTheBeamRunner() throws Exception {
    Path path =
        file(
            """
            source:
              type: kafka
            mapping:
              unknownFields: keep
              columns:
                message_id: metadata:message_id
            """);

    MappingConfig mapping = ConfigLoader.loadMapping(path);

    assertThat(mapping)
        .isEqualTo(
            MappingConfig.typed()
                .withUnknownFields(io.dcp.core.mapping.UnknownFields.KEEP)
                .withColumn(
                    "message_id", io.dcp.core.mapping.ColumnSource.parse("metadata:message_id")));
    Path bad = file("mapping:\n  mode: fancy\n  colums: {}\n");
    assertThatThrownBy(() -> ConfigLoader.loadMapping(bad))
        .extracting(
            e -> ((ConfigException) e).problems().stream().map(ConfigProblem::toString).toList())
        .isEqualTo(
            List.of(
                "mapping.colums: unknown key; did you mean 'columns'?",
                "mapping.mode: 'fancy' is not one of typed, raw"));
  }

  @Test
  void documentsEveryKeyWithItsEnvironmentVariable() throws Exception {
    String doc = Files.readString(Path.of("../docs/configuration.md"));
    for (String key : ConfigLoader.defaults().keySet()) {
      assertThat(doc).as("docs/configuration.md documents %s", key).contains("`" + key + "`");
      if (!key.equals("mapping.columns")) {
        assertThat(doc)
            .as("docs/configuration.md names the variable of %s", key)
            .contains(ConfigLoader.environmentName(key));
      }
    }
    Matcher documented = Pattern.compile("^\\| `([a-zA-Z.]+)`", Pattern.MULTILINE).matcher(doc);
    while (documented.find()) {
      assertThat(ConfigLoader.defaults())
          .as("a documented key exists")
          .containsKey(documented.group(1));
    }
  }
}

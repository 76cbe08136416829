package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.DcpCli.dcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.model.TableId;
import io.dcp.runner.standalone.DcpCli.Result;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import io.dcp.testing.pubsub.FakePubSubServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The dcp command as a user runs it, on the bundled quickstart example. */
class DcpCommandTest {
  private static final Path EXAMPLE = Path.of("../examples/quickstart");

  @TempDir Path dir;

  private List<String> sets() {
    return List.of(
        "--set", "source.ndjson.paths=" + EXAMPLE.resolve("events.ndjson"),
        "--set", "table.schema=" + EXAMPLE.resolve("schema.json"),
        "--set", "sink.duckdb.path=" + dir.resolve("q.duckdb"));
  }

  private String[] args(String... head) {
    List<String> all = new ArrayList<>(List.of(head));
    all.addAll(List.of("--config", EXAMPLE.resolve("dcp.yaml").toString()));
    all.addAll(sets());
    return all.toArray(String[]::new);
  }

  @Test
  void runLandsTheQuickstartRowsAndDeadLettersWithTheirReasons() throws Exception {
    Result result = dcp(args("run"));

    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("1,005 messages, 1,000 rows written")
        .contains("5 dead letters, 0 nacked.");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("q.duckdb"));
        ResultSet rows =
            c.createStatement()
                .executeQuery("SELECT count(*), count(DISTINCT message_id) FROM quotes");
        ResultSet dead =
            c.createStatement()
                .executeQuery(
                    "SELECT message_id || ' ' || errorMessage FROM dead_letters ORDER BY message_id")) {
      rows.next();
      assertThat(rows.getLong(1)).isEqualTo(1000);
      assertThat(rows.getLong(2)).isEqualTo(1000);
      List<String> letters = new ArrayList<>();
      while (dead.next()) {
        letters.add(dead.getString(1));
      }
      assertThat(letters)
          .containsExactly(
              "events.ndjson:1001 map: $.size: 1.5 is not an INT64 (it has a fraction)",
              "events.ndjson:201 map: $.bid: \"12,5\" is not a FLOAT64",
              "events.ndjson:401 parse: malformed JSON: Unexpected end-of-input: expected close marker for Object at line 1, column 56",
              "events.ndjson:601 map: $.symbol: missing required field",
              "events.ndjson:801 decode: invalid UTF-8 at byte 11");
    }
  }

  @Test
  void validateCountsWhatWouldLandAndWhyTheRestWouldNotWithoutWriting() {
    List<String> all = new ArrayList<>(List.of(args("validate")));
    all.addAll(List.of("--sample", EXAMPLE.resolve("events.ndjson").toString()));

    Result result = dcp(all.toArray(String[]::new));

    assertThat(result.status()).isZero();
    assertThat(result.out())
        .contains("Config OK: ndjson -> table quotes (11 columns)")
        .contains("1,005 messages: 1,000 rows would land, 5 dead letters")
        .contains("     1  map: $.bid: \"12,5\" is not a FLOAT64");
    assertThat(Files.exists(dir.resolve("q.duckdb"))).isFalse();
  }

  @Test
  void configErrorsExitWithStatusTwoListingEveryKey() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "sink:\n  type: oracle\npipeline:\n  writeThreads: zero\n");

    Result result = dcp("run", "--config", bad.toString());

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err())
        .contains("pipeline.writeThreads: 'zero' is not a whole number greater than 0")
        .contains("sink.type: 'oracle' is not one of duckdb, bigquery")
        .contains("table.id: required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"validate", "run", "replay"})
  void everyCommandReportsConfigSchemaAndMappingProblemsInOneRun(String command) throws Exception {
    Path schema =
        Files.writeString(
            dir.resolve("bad.schema.json"), "[{\"name\":\"1x\",\"type\":\"STRING\"}]");
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        "source:\n  ndjson:\n    paths: [a.ndjson]\ntable:\n  id: quotes\n  schema: "
            + schema
            + "\npipeline:\n  writeThreads: zero\n");

    Result result = dcp(command, "--config", bad.toString());

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "invalid configuration:\n"
                + "  - pipeline.writeThreads: 'zero' is not a whole number greater than 0\n"
                + "  - table.schema: "
                + schema
                + ": 1x: invalid column name: letters, digits and underscores only, starting"
                + " with a letter or underscore, at most 300 characters\n");
  }

  @Test
  void neverPrintsTheTokenOfThePublishEndpoint() throws Exception {
    String token = "tok-6f1c9a77e2";
    List<String> all = new ArrayList<>(List.of(args("validate")));
    all.addAll(
        List.of(
            "--set",
            "source.type=http",
            "--set",
            "source.http.token=" + token,
            "--sample",
            EXAMPLE.resolve("events.ndjson").toString()));
    Result validate = dcp(all.toArray(String[]::new));
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad, "source:\n  type: http\n  http:\n    token: " + token + "\n    port: none\n");
    Result error = dcp("validate", "--config", bad.toString());

    assertThat(validate.status()).as(validate.err()).isZero();
    assertThat(error.status()).isEqualTo(2);
    assertThat(error.err()).contains("source.http.port: 'none' is not a whole number");
    assertThat(validate.out() + validate.err() + error.out() + error.err()).doesNotContain(token);
  }

  @Test
  void adminAndPublishEndpointsListenOnLoopbackUnlessConfigured() throws Exception {
    var config =
        new io.dcp.core.config.ConfigLoader(java.util.Map.of(), AdapterSections.ALL)
            .load(
                EXAMPLE.resolve("dcp.yaml"),
                sets().stream().filter(s -> !s.equals("--set")).toList());
    assertThat(config.admin().host()).isEqualTo("127.0.0.1");
    List<String> httpSets = new ArrayList<>();
    sets().stream().filter(s -> !s.equals("--set")).forEach(httpSets::add);
    httpSets.add("source.type=http");
    assertThat(
            new io.dcp.core.config.ConfigLoader(java.util.Map.of(), AdapterSections.ALL)
                .load(EXAMPLE.resolve("dcp.yaml"), httpSets)
                .section(io.dcp.adapters.http.HttpSourceSection.INSTANCE)
                .orElseThrow()
                .host())
        .isEqualTo("127.0.0.1");
    var pipeline =
        com.google.inject.Guice.createInjector(new PipelineModule(config))
            .getInstance(io.dcp.core.pipeline.IngestPipeline.class);
    try (AdminServer admin =
        new AdminServer(
            config.admin().host(),
            0,
            pipeline,
            new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT))) {
      assertThat(admin.address().getAddress().isLoopbackAddress()).isTrue();
    } finally {
      pipeline.close();
    }
  }

  /** Quotes for the replay tests: one lands, two carry an unknown field, one lacks its symbol. */
  private static final String REPLAY_INPUT =
      """
      {"symbol":"AAPL","ts":"2026-11-24T14:00:00Z"}
      {"symbol":"MSFT","ts":"2026-11-24T14:00:01Z","note":"late print"}
      {"symbol":"NVDA","ts":"2026-11-24T14:00:02Z","note":"odd lot"}
      {"ts":"2026-11-24T14:00:03Z"}
      """;

  private static final String REPLAY_SCHEMA =
      """
      [{"name":"symbol","type":"STRING","mode":"REQUIRED"},
       {"name":"ts","type":"TIMESTAMP"},
       {"name":"message_id","type":"STRING"},
       {"name":"ingested_at","type":"TIMESTAMP"}]
      """;

  private Path write(String name, String text) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, text);
    return file;
  }

  @Test
  void replayTurnsDeadLettersIntoRowsOnceTheMappingIsFixedExactlyOnce() throws Exception {
    Path input = write("quotes.ndjson", REPLAY_INPUT);
    Path schema = write("schema.json", REPLAY_SCHEMA);
    String db = dir.resolve("replay.duckdb").toString();
    List<String> base =
        List.of(
            "--set", "source.ndjson.paths=" + input,
            "--set", "table.schema=" + schema,
            "--set", "sink.duckdb.path=" + db,
            "--set", "admin.enabled=false");
    Result first = dcp(with(base, "run", "--set", "mapping.unknownFields=reject"));
    assertThat(first.out()).as(first.err()).contains("4 messages, 1 rows written");

    Result dry = dcp(with(base, "replay", "--dry-run"));
    Result stage = dcp(with(base, "replay", "--dry-run", "--stage", "decode"));
    Result replay = dcp(with(base, "replay"));
    Result again = dcp(with(base, "replay"));

    assertThat(dry.out())
        .contains("3 dead letters selected: 2 would land (2 rows), 1 would stay.")
        .contains("     1  map: $.symbol: missing required field");
    assertThat(stage.out()).contains("0 dead letters selected");
    assertThat(replay.status()).as(replay.err()).isZero();
    assertThat(replay.out())
        .contains(
            "3 dead letters selected: 2 landed and left the dead-letter table (2 rows), 1 stay.");
    assertThat(again.out()).contains("1 dead letters selected: 0 landed");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
        ResultSet rows =
            c.createStatement()
                .executeQuery(
                    "SELECT string_agg(message_id, ',' ORDER BY message_id) FROM quotes");
        ResultSet dead =
            c.createStatement().executeQuery("SELECT message_id, errorMessage FROM dead_letters")) {
      rows.next();
      assertThat(rows.getString(1)).isEqualTo("quotes.ndjson:1,quotes.ndjson:2,quotes.ndjson:3");
      dead.next();
      assertThat(dead.getString(1) + " " + dead.getString(2))
          .isEqualTo("quotes.ndjson:4 map: $.symbol: missing required field");
      assertThat(dead.next()).isFalse();
    }
  }

  @Test
  void replayFromAPubSubDeadLetterSubscriptionAcksWhatLandsAndLeavesTheRest() throws Exception {
    String topic = "projects/demo-project/topics/quotes-dead-letters";
    String subscription = "projects/demo-project/subscriptions/quotes-dead-letters-replay";
    Path input = write("quotes.ndjson", REPLAY_INPUT);
    Path schema = write("schema.json", REPLAY_SCHEMA);
    String db = dir.resolve("replay.duckdb").toString();
    try (FakePubSubServer pubsub = FakePubSubServer.start()) {
      pubsub.createTopic(topic);
      pubsub.createSubscription(subscription, topic, 10, false);
      List<String> base =
          List.of(
              "--set", "source.ndjson.paths=" + input,
              "--set", "table.schema=" + schema,
              "--set", "sink.duckdb.path=" + db,
              "--set", "admin.enabled=false",
              "--set", "deadLetter.type=pubsub-topic",
              "--set", "deadLetter.pubsub.topic=" + topic,
              "--set", "deadLetter.pubsub.endpoint=" + pubsub.endpoint());
      Result first = dcp(with(base, "run", "--set", "mapping.unknownFields=reject"));
      assertThat(first.out()).as(first.err()).contains("4 messages, 1 rows written");
      assertThat(pubsub.backlog(subscription)).isEqualTo(3);

      Result missing = dcp(with(base, "replay"));
      Result dry = dcp(with(base, "replay", "--subscription", subscription, "--dry-run"));
      Result stage = dcp(with(base, "replay", "--subscription", subscription, "--stage", "decode"));
      List<String> ackedAfterDryRuns = pubsub.ackedIds(subscription);
      Result replay = dcp(with(base, "replay", "--subscription", subscription));
      pubsub.publish(
          topic,
          List.of(
              com.google.pubsub.v1.PubsubMessage.newBuilder()
                  .setData(com.google.protobuf.ByteString.copyFromUtf8("{\"symbol\":\"X\"}"))
                  .build()));
      Result again = dcp(with(base, "replay", "--subscription", subscription));

      assertThat(missing.status()).isEqualTo(2);
      assertThat(missing.err())
          .contains("deadLetter.type is pubsub-topic")
          .contains("--subscription projects/P/subscriptions/S");
      assertThat(dry.status()).as(dry.err()).isZero();
      assertThat(dry.out())
          .contains("3 dead letters selected: 2 would land (2 rows), 1 would stay.")
          .contains("     1  map: $.symbol: missing required field");
      assertThat(stage.out()).contains("0 dead letters selected");
      assertThat(ackedAfterDryRuns).isEmpty();
      assertThat(replay.status()).as(replay.err()).isZero();
      assertThat(replay.out())
          .contains(
              "3 dead letters selected: 2 landed and left the subscription (2 rows), 1 stay.");
      assertThat(again.out())
          .contains("1 dead letters selected: 0 landed")
          .contains(
              "1 messages of "
                  + subscription
                  + " are not dcp dead letters (no dcp_stage attribute): never acked, they stay.");
      assertThat(pubsub.ackedIds(subscription)).hasSize(2).doesNotHaveDuplicates();
      assertThat(pubsub.backlog(subscription)).isEqualTo(2);
    }
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
        ResultSet rows =
            c.createStatement()
                .executeQuery(
                    "SELECT string_agg(message_id, ',' ORDER BY message_id) FROM quotes")) {
      rows.next();
      assertThat(rows.getString(1)).isEqualTo("quotes.ndjson:1,quotes.ndjson:2,quotes.ndjson:3");
    }
  }

  @Test
  void replayFromABigQueryDeadLetterTableMarksWhatLandsInItsLedgerExactlyOnce() throws Exception {
    Path input = write("quotes.ndjson", REPLAY_INPUT);
    Path schema = write("schema.json", REPLAY_SCHEMA);
    TableId quotes = TableId.parse("demo-project.market.quotes");
    TableId deadLetters = TableId.parse("demo-project.market.dead_letters");
    TableId ledger = TableId.parse("demo-project.market.dead_letters_replayed");
    try (FakeBigQueryWriteServer write = FakeBigQueryWriteServer.start();
        FakeBigQueryRestServer rest = FakeBigQueryRestServer.start(write)) {
      rest.createDataset("demo-project", "market");
      List<String> base =
          List.of(
              "--set", "source.ndjson.paths=" + input,
              "--set", "table.schema=" + schema,
              "--set", "table.id=" + quotes,
              "--set", "table.create=true",
              "--set", "sink.type=bigquery",
              "--set", "sink.bigquery.project=demo-project",
              "--set", "sink.bigquery.endpoint=" + write.endpoint(),
              "--set", "sink.bigquery.restEndpoint=" + rest.url(),
              "--set", "deadLetter.table=" + deadLetters,
              "--set", "admin.enabled=false");
      Result first = dcp(with(base, "run", "--set", "mapping.unknownFields=reject"));
      assertThat(first.out()).as(first.err()).contains("4 messages, 1 rows written");
      assertThat(write.rows(deadLetters)).hasSize(3);

      Result dry = dcp(with(base, "replay", "--dry-run"));
      boolean ledgerAfterDryRun = rest.table(ledger).isPresent();
      Result stage = dcp(with(base, "replay", "--dry-run", "--stage", "decode"));
      Result replay = dcp(with(base, "replay"));
      Result again = dcp(with(base, "replay"));

      assertThat(dry.status()).as(dry.err()).isZero();
      assertThat(dry.out())
          .contains("3 dead letters selected: 2 would land (2 rows), 1 would stay.")
          .contains("     1  map: $.symbol: missing required field");
      assertThat(ledgerAfterDryRun).isFalse();
      assertThat(stage.out()).contains("0 dead letters selected");
      assertThat(replay.status()).as(replay.err()).isZero();
      assertThat(replay.out())
          .contains(
              "3 dead letters selected: 2 landed and were marked replayed in"
                  + " demo-project.market.dead_letters_replayed (2 rows), 1 stay.");
      assertThat(again.out()).contains("1 dead letters selected: 0 landed");
      assertThat(write.rows(quotes))
          .extracting(r -> r.get("message_id"))
          .containsExactlyInAnyOrder("quotes.ndjson:1", "quotes.ndjson:2", "quotes.ndjson:3");
      assertThat(write.rows(ledger))
          .extracting(r -> r.get("message_id"))
          .containsExactlyInAnyOrder("quotes.ndjson:2", "quotes.ndjson:3");
      assertThat(write.rows(deadLetters)).hasSize(3);
    }
  }

  private String[] with(List<String> base, String... head) {
    List<String> all =
        new ArrayList<>(List.of(head[0], "--config", EXAMPLE.resolve("dcp.yaml").toString()));
    all.addAll(List.of(head).subList(1, head.length));
    all.addAll(base);
    return all.toArray(String[]::new);
  }

  @Test
  void schemaInferPrintsABigQuerySchema() {
    Result result = dcp("schema", "infer", EXAMPLE.resolve("events.ndjson").toString());

    assertThat(result.status()).isZero();
    assertThat(result.out()).contains("\"name\" : \"ts\",\n  \"type\" : \"TIMESTAMP\"");
    assertThat(result.out()).contains("\"name\" : \"venue\",\n  \"type\" : \"RECORD\"");
    assertThat(result.err()).contains("note: bid: values of different types seen; typed as STRING");
  }

  @Test
  void schemaInferOfEmptyOrJunkInputIsAnErrorNotAnEmptySchema() throws Exception {
    Path junk = Files.writeString(dir.resolve("junk.ndjson"), "not json\n[1,2]\n");
    Path empty = Files.writeString(dir.resolve("empty.ndjson"), "");

    Result fromJunk = dcp("schema", "infer", junk.toString());
    Result fromEmpty = dcp("schema", "infer", empty.toString());

    assertThat(fromJunk.status()).isEqualTo(1);
    assertThat(fromJunk.out()).isEmpty();
    assertThat(fromJunk.err())
        .isEqualTo(
            "note: line 1 is not valid JSON: skipped\n"
                + "note: sample 2 is not a JSON object: skipped\n"
                + "error: "
                + junk
                + " gave no column: it needs JSON objects, one a line\n");
    assertThat(fromEmpty.status()).isEqualTo(1);
    assertThat(fromEmpty.out()).isEmpty();
  }

  @Test
  void adminServesHealthReadinessAndPrometheusMetrics() throws Exception {
    var pipeline =
        com.google.inject.Guice.createInjector(
                new PipelineModule(
                    new io.dcp.core.config.ConfigLoader(java.util.Map.of(), AdapterSections.ALL)
                        .load(
                            EXAMPLE.resolve("dcp.yaml"),
                            sets().stream().filter(s -> !s.equals("--set")).toList())))
            .getInstance(io.dcp.core.pipeline.IngestPipeline.class);
    var registry =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    new MicrometerPipelineMetrics(registry)
        .rowsWritten(io.dcp.core.model.TableId.local("quotes"), 3);
    HttpClient http = HttpClient.newHttpClient();
    try (AdminServer admin = new AdminServer("127.0.0.1", 0, pipeline, registry)) {
      String base = "http://127.0.0.1:" + admin.port();
      HttpResponse<String> health =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/healthz")).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> ready =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/readyz")).build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(metrics.body()).contains("dcp_rows_written_total{table=\"quotes\"} 3.0");
    } finally {
      pipeline.close();
    }
  }

  @Test
  void adminSaysWhereMetricsGoWhenTheyArePushedToStatsd() throws Exception {
    var config =
        new io.dcp.core.config.ConfigLoader(java.util.Map.of(), AdapterSections.ALL)
            .load(
                EXAMPLE.resolve("dcp.yaml"),
                java.util.stream.Stream.concat(
                        sets().stream().filter(s -> !s.equals("--set")),
                        java.util.stream.Stream.of("metrics.backend=statsd"))
                    .toList());
    var injector = com.google.inject.Guice.createInjector(new PipelineModule(config));
    var pipeline = injector.getInstance(io.dcp.core.pipeline.IngestPipeline.class);
    var registry = injector.getInstance(io.micrometer.core.instrument.MeterRegistry.class);
    HttpClient http = HttpClient.newHttpClient();
    try (AdminServer admin = new AdminServer("127.0.0.1", 0, pipeline, registry)) {
      HttpResponse<String> metrics =
          http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.port() + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(registry).isInstanceOf(io.micrometer.statsd.StatsdMeterRegistry.class);
      assertThat(metrics.statusCode()).isEqualTo(404);
      assertThat(metrics.body())
          .isEqualTo("metrics are pushed to StatsD (metrics.backend: statsd), not served here\n");
    } finally {
      pipeline.close();
      registry.close();
    }
  }
}

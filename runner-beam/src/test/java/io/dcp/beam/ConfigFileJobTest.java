package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.services.bigquery.model.TableRow;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job launched from a dcp YAML config ({@code --configFile}) on the production graph: Beam's
 * {@code PubsubTestClient} in, Beam's BigQuery test services out, on DirectRunner.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ConfigFileJobTest {
  static final Duration LIMIT = Duration.standardMinutes(3);
  static final String SCHEMA =
      "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"size\",\"type\":\"INT64\"},"
          + "{\"name\":\"message_id\",\"type\":\"STRING\"}]";

  @TempDir Path dir;

  @Test
  void jobLaunchedFromDcpYamlLandsTheExactRowsAndItsMappingDeadLetters() throws Exception {
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    String dataset = dataset(bigQuery);
    Path config =
        BeamJobs.file(
            dir,
            "dcp.yaml",
            "sink:\n"
                + "  type: bigquery\n"
                + "  bigquery:\n"
                + "    project: "
                + FakeBigQuery.PROJECT
                + "\n"
                + "table:\n"
                + "  id: "
                + dataset
                + ".events\n"
                + "  schema: "
                + BeamJobs.file(dir, "schema.json", SCHEMA)
                + "\n"
                + "deadLetter:\n"
                + "  type: bigquery-table\n"
                + "  table: "
                + dataset
                + ".dead_letters\n"
                + "mapping:\n"
                + "  unknownFields: reject\n"
                + "  columns:\n"
                + "    message_id: metadata:message_id\n");
    DcpBeamOptions options = BeamJobs.atLeastOnce("--configFile=" + config);

    try (TestTopics.SteadyFactory pubsub =
        TestTopics.delivering(
            TestTopics.ofLines(
                List.of("{\"symbol\":\"A\",\"size\":1}", "{\"symbol\":\"B\",\"extra\":2}")))) {
      BeamJobs.runToEnd(
          DcpBeamMain.prepare(options, new IoServices(pubsub, bigQuery.services)), LIMIT);
    }

    assertThat(options.getOutputTable()).isEqualTo(bigQuery.table());
    assertThat(options.getDeadLetterTable()).isEqualTo(bigQuery.deadLetterTable());
    TableRow row = single(bigQuery.rows());
    assertThat(row).containsOnlyKeys("symbol", "size", "message_id");
    assertThat(row.get("symbol")).isEqualTo("A");
    assertThat(row.get("size").toString()).isEqualTo("1");
    assertThat(row.get("message_id")).isEqualTo("m0");
    TableRow deadLetter = single(bigQuery.deadLetters());
    assertThat(deadLetter.get("message_id")).isEqualTo("m1");
    assertThat(deadLetter.get("stage")).isEqualTo("map");
    assertThat((String) deadLetter.get("errorMessage"))
        .startsWith("map: ")
        .contains("unknown field (mapping.unknownFields is reject)");
  }

  @Test
  void optionGivenWithTheFileWinsOverItsKey() throws Exception {
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    String dataset = dataset(bigQuery);
    Path config =
        BeamJobs.file(
            dir,
            "dcp.yaml",
            "table:\n  id: "
                + FakeBigQuery.PROJECT
                + "."
                + dataset
                + ".elsewhere\n  schema: /nowhere/schema.json\n"
                + "deadLetter:\n  table: "
                + FakeBigQuery.PROJECT
                + "."
                + dataset
                + ".dead_letters\n");
    DcpBeamOptions options =
        BeamJobs.atLeastOnce(
            "--configFile=" + config,
            "--outputTable=" + bigQuery.table(),
            "--schemaFile=" + BeamJobs.file(dir, "schema.json", SCHEMA));

    try (TestTopics.SteadyFactory pubsub =
        TestTopics.delivering(TestTopics.ofLines(List.of("{\"symbol\":\"A\",\"size\":1}")))) {
      BeamJobs.runToEnd(
          DcpBeamMain.prepare(options, new IoServices(pubsub, bigQuery.services)), LIMIT);
    }

    assertThat(bigQuery.rows())
        .extracting(r -> r.get("symbol") + "/" + r.get("size"))
        .containsExactly("A/1");
    assertThat(bigQuery.deadLetters()).isEmpty();
  }

  @Test
  void keysOnlyDcpRunReadsAreRefusedBeforeLaunchEachByName() throws Exception {
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    String dataset = dataset(bigQuery);
    Path config =
        BeamJobs.file(
            dir,
            "dcp.yaml",
            "source:\n  type: pubsub\n  pubsub:\n    subscription: "
                + TestTopics.SUBSCRIPTION
                + "\n"
                + "sink:\n  type: bigquery\n  bigquery:\n    project: dcp-test\n"
                + "    endpoint: 127.0.0.1:9\n"
                + "table:\n  id: "
                + dataset
                + ".events\n  schema: "
                + BeamJobs.file(dir, "schema.json", SCHEMA)
                + "\n  create: true\n"
                + "deadLetter:\n  table: "
                + dataset
                + ".dead_letters\n"
                + "pipeline:\n  maxBatchRows: 10\n"
                + "admin:\n  enabled: false\n");
    DcpBeamOptions options = BeamJobs.atLeastOnce("--configFile=" + config);

    assertThatThrownBy(() -> DcpBeamMain.prepare(options, bigQuery.io()))
        .isInstanceOf(IllegalArgumentException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage().lines().toList())
                    .satisfiesExactly(
                        line -> assertThat(line).isEqualTo("invalid options:"),
                        refused(config, "source.type", "the job reads --inputSubscription"),
                        refused(
                            config,
                            "source.pubsub.subscription",
                            "the job reads --inputSubscription"),
                        refused(config, "sink.bigquery.endpoint", "the job writes BigQuery"),
                        refused(
                            config,
                            "table.create",
                            "the job creates no tables and alters them only under schema.evolution"),
                        refused(
                            config, "pipeline.maxBatchRows", "Beam batches, bounds and retries"),
                        refused(config, "admin.enabled", "Dataflow has no admin server")));
  }

  @Test
  void tableIdWithoutDatasetIsRefusedNamingTheKey() throws Exception {
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    Path config =
        BeamJobs.file(
            dir,
            "dcp.yaml",
            "table:\n  id: events\n  schema: "
                + BeamJobs.file(dir, "schema.json", SCHEMA)
                + "\n"
                + "deadLetter:\n  table: "
                + dataset(bigQuery)
                + ".dead_letters\n");
    DcpBeamOptions options = BeamJobs.atLeastOnce("--configFile=" + config);

    assertThatThrownBy(() -> DcpBeamMain.prepare(options, bigQuery.io()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "invalid options:\n  --configFile "
                + config
                + ": table.id 'events' needs a dataset for BigQuery: dataset.table or"
                + " project.dataset.table\n");
  }

  /** Checks one refused key's line: its file, its name, and its reason's start. */
  private static Consumer<String> refused(Path config, String key, String why) {
    return line ->
        assertThat(line)
            .startsWith(
                "  --configFile "
                    + config
                    + ": "
                    + key
                    + " is read by dcp run only, not by the Beam job ("
                    + why)
            .endsWith("): remove it from the file the job reads");
  }

  /** The run's dataset, from its PROJECT:DATASET.events table. */
  private static String dataset(FakeBigQuery bigQuery) {
    String table = bigQuery.table();
    return table.substring(table.indexOf(':') + 1, table.lastIndexOf('.'));
  }

  private static TableRow single(List<TableRow> rows) {
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}

package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.bigquery.model.Table;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableRow;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.io.gcp.testing.FakeDatasetService;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Schema evolution ({@code schema.evolution: add-columns} of {@code --configFile}) on the
 * production graph: core's {@code Destinations} add the columns through the job's table admin
 * before the rows leave the map step, BigQueryIO's Storage Write sink takes them up from the
 * updated schema; Beam's {@code PubsubTestClient} in, Beam's BigQuery test services out, the schema
 * changed with {@link FakeDatasetService#updateTableSchema}, which hands the new schema to the
 * write streams of the table as BigQuery's append responses do.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EvolutionJobTest {
  static final Duration LIMIT = Duration.standardMinutes(3);
  static final String SCHEMA =
      "[{\"name\":\"symbol\",\"type\":\"STRING\"},"
          + "{\"name\":\"quote\",\"type\":\"RECORD\",\"fields\":"
          + "[{\"name\":\"bid\",\"type\":\"FLOAT64\"}]},"
          + "{\"name\":\"legs\",\"type\":\"RECORD\",\"mode\":\"REPEATED\",\"fields\":"
          + "[{\"name\":\"qty\",\"type\":\"INT64\"}]}]";

  @TempDir Path dir;

  @Test
  void newTopLevelNestedAndRepeatedNestedFieldsBecomeColumnsAndTheirRowsLandWithThem()
      throws Exception {
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);

    run(
        bigQuery,
        List.of(
            published("m0", "{\"symbol\":\"A\",\"quote\":{\"bid\":1.5},\"legs\":[{\"qty\":1}]}"),
            published(
                "m1",
                "{\"symbol\":\"B\",\"venue\":\"XNAS\",\"quote\":{\"bid\":2,\"ask\":2.5},"
                    + "\"legs\":[{\"qty\":2,\"side\":\"buy\"}]}")));

    assertThat(columns(bigQuery))
        .containsExactly(
            "symbol STRING NULLABLE",
            "quote RECORD NULLABLE (bid FLOAT NULLABLE, ask FLOAT NULLABLE)",
            "legs RECORD REPEATED (qty INTEGER NULLABLE, side STRING NULLABLE)",
            "venue STRING NULLABLE");
    assertThat(bigQuery.rows())
        .extracting(TableRows::json)
        .containsExactlyInAnyOrder(
            "{\"symbol\":\"A\",\"quote\":{\"bid\":\"1.5\"},\"legs\":[{\"qty\":\"1\"}]}",
            "{\"symbol\":\"B\",\"quote\":{\"bid\":\"2.0\",\"ask\":\"2.5\"},"
                + "\"legs\":[{\"qty\":\"2\",\"side\":\"buy\"}],\"venue\":\"XNAS\"}");
    assertThat(bigQuery.deadLetters()).isEmpty();
  }

  @Test
  void aValueThatDoesNotFitAnAddedColumnIsADeadLetterWithCoresReason() throws Exception {
    // The table as an earlier run left it: quote.ask and venue added beyond the schema file.
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    String widened =
        "[{\"name\":\"symbol\",\"type\":\"STRING\"},"
            + "{\"name\":\"quote\",\"type\":\"RECORD\",\"fields\":"
            + "[{\"name\":\"bid\",\"type\":\"FLOAT64\"},{\"name\":\"ask\",\"type\":\"FLOAT64\"}]},"
            + "{\"name\":\"legs\",\"type\":\"RECORD\",\"mode\":\"REPEATED\",\"fields\":"
            + "[{\"name\":\"qty\",\"type\":\"INT64\"}]},"
            + "{\"name\":\"venue\",\"type\":\"STRING\"}]";
    bigQuery.datasets.updateTableSchema(reference(bigQuery), DcpBeamPipeline.tableSchema(widened));

    run(
        bigQuery,
        List.of(
            published("m2", "{\"symbol\":\"C\",\"venue\":\"XLON\",\"quote\":{\"ask\":3}}"),
            published("m3", "{\"symbol\":\"D\",\"quote\":{\"ask\":\"high\"}}")));

    assertThat(bigQuery.rows())
        .extracting(TableRows::json)
        .containsExactly("{\"symbol\":\"C\",\"quote\":{\"ask\":\"3.0\"},\"venue\":\"XLON\"}");
    List<TableRow> deadLetters = bigQuery.deadLetters();
    assertThat(deadLetters).hasSize(1);
    assertThat(deadLetters.get(0).get("message_id")).isEqualTo("m3");
    assertThat(deadLetters.get(0).get("errorMessage"))
        .isEqualTo("map: $.quote.ask: \"high\" is not a FLOAT64");
    assertThat(columns(bigQuery)).hasSize(4);
  }

  @Test
  void eachRoutedTableEvolvesOnItsOwn() throws Exception {
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    bigQuery.addTable("events_click", "[{\"name\":\"symbol\",\"type\":\"STRING\"}]");

    run(
        bigQuery,
        "\n  route: " + bigQuery.dataset + ".events_${attr:type}",
        List.of(
            TestTopics.Published.of("m4", "{\"symbol\":\"E\",\"x\":7}", Map.of("type", "click")),
            TestTopics.Published.of("m5", "{\"symbol\":\"F\"}", Map.of())));

    assertThat(columns(bigQuery, "events_click"))
        .containsExactly("symbol STRING NULLABLE", "x INTEGER NULLABLE");
    assertThat(columns(bigQuery, "events")).hasSize(3);
    assertThat(bigQuery.rows("events_click"))
        .extracting(TableRows::json)
        .containsExactly("{\"symbol\":\"E\",\"x\":\"7\"}");
    assertThat(bigQuery.rows()).extracting(TableRows::json).containsExactly("{\"symbol\":\"F\"}");
    assertThat(bigQuery.deadLetters()).isEmpty();
  }

  @Test
  void aFieldTheUdfAddsBecomesAColumnToo() throws Exception {
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    Path udf =
        BeamJobs.file(
            dir,
            "udf.js",
            "function process(inJson) {\n"
                + "  var obj = JSON.parse(inJson);\n"
                + "  obj.venue = 'X' + obj.symbol;\n"
                + "  return JSON.stringify(obj);\n"
                + "}\n");

    run(
        bigQuery,
        "",
        "transform:\n  javascript:\n    path: " + udf + "\n",
        List.of(published("m6", "{\"symbol\":\"G\"}")));

    assertThat(columns(bigQuery)).hasSize(4).endsWith("venue STRING NULLABLE");
    assertThat(bigQuery.rows())
        .extracting(TableRows::json)
        .containsExactly("{\"symbol\":\"G\",\"venue\":\"XG\"}");
    assertThat(bigQuery.deadLetters()).isEmpty();
  }

  /** The live table's columns as {@code name TYPE MODE (sub-fields)}, in order. */
  private static List<String> columns(FakeBigQuery bigQuery) throws Exception {
    return columns(bigQuery, "events");
  }

  private static List<String> columns(FakeBigQuery bigQuery, String name) throws Exception {
    Table table = bigQuery.datasets.getTable(reference(bigQuery).setTableId(name));
    List<String> out = new ArrayList<>();
    for (TableFieldSchema field : table.getSchema().getFields()) {
      out.add(column(field));
    }
    return out;
  }

  private static String column(TableFieldSchema field) {
    String text =
        field.getName()
            + " "
            + field.getType()
            + " "
            + (field.getMode() == null ? "NULLABLE" : field.getMode());
    if (field.getFields() != null && !field.getFields().isEmpty()) {
      List<String> fields = new ArrayList<>();
      for (TableFieldSchema sub : field.getFields()) {
        fields.add(column(sub));
      }
      text += " (" + String.join(", ", fields) + ")";
    }
    return text;
  }

  private static TableReference reference(FakeBigQuery bigQuery) {
    return new TableReference()
        .setProjectId(FakeBigQuery.PROJECT)
        .setDatasetId(bigQuery.dataset)
        .setTableId("events");
  }

  private void run(FakeBigQuery bigQuery, List<TestTopics.Published> messages) throws Exception {
    run(bigQuery, "", messages);
  }

  private void run(FakeBigQuery bigQuery, String tableKeys, List<TestTopics.Published> messages)
      throws Exception {
    run(bigQuery, tableKeys, "", messages);
  }

  /**
   * Runs the job to its end; {@code tableKeys} are more keys of the config's table section, {@code
   * sections} more sections of the config.
   */
  private void run(
      FakeBigQuery bigQuery, String tableKeys, String sections, List<TestTopics.Published> messages)
      throws Exception {
    BeamTableAdmin.SchemaPatch patch =
        (options, table, schema) -> new FakeDatasetService().updateTableSchema(table, schema);
    try (TestTopics.SteadyFactory pubsub = TestTopics.delivering(messages)) {
      BeamJobs.runToEnd(
          DcpBeamMain.prepare(
              options(bigQuery, tableKeys, sections),
              new IoServices(pubsub, bigQuery.services, patch)),
          LIMIT);
    }
  }

  private DcpBeamOptions options(FakeBigQuery bigQuery, String tableKeys, String sections)
      throws Exception {
    Path config =
        BeamJobs.configFile(
            dir, bigQuery, SCHEMA, tableKeys, "schema:\n  evolution: add-columns\n" + sections);
    return BeamJobs.atLeastOnce("--configFile=" + config);
  }

  private static TestTopics.Published published(String id, String json) {
    return TestTopics.Published.of(id, json, Map.of());
  }
}

package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.bigquery.model.TableRow;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routing ({@code table.route} of {@code --configFile}) on the production graph: core's {@code
 * Destinations} pick each message's table, BigQueryIO's dynamic destinations write it there with
 * that table's schema; Beam's {@code PubsubTestClient} in, Beam's BigQuery test services out.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class RoutingJobTest {
  static final Duration LIMIT = Duration.standardMinutes(3);
  static final String SCHEMA = "[{\"name\":\"symbol\",\"type\":\"STRING\"}]";
  static final String CLICK_SCHEMA =
      "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"x\",\"type\":\"INT64\"}]";

  @TempDir Path dir;

  @Test
  void messagesLandInTheTableTheirRouteNamesWithThatTablesSchema() throws Exception {
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    bigQuery.addTable("events_click", CLICK_SCHEMA);
    bigQuery.addTable("events_view", SCHEMA);
    DcpBeamOptions options = options(bigQuery, 100);

    run(
        bigQuery,
        options,
        List.of(
            TestTopics.Published.of("m0", "{\"symbol\":\"A\",\"x\":7}", Map.of("type", "click")),
            TestTopics.Published.of("m1", "{\"symbol\":\"B\",\"x\":8}", Map.of("type", "view")),
            TestTopics.Published.of("m2", "{\"symbol\":\"C\"}", Map.of()),
            TestTopics.Published.of("m3", "{\"symbol\":\"D\"}", Map.of("type", "a b"))));

    assertThat(bigQuery.rows("events_click"))
        .extracting(r -> r.get("symbol") + "/" + r.get("x"))
        .containsExactly("A/7");
    assertThat(bigQuery.rows("events_view"))
        .extracting(r -> r.get("symbol") + "/" + r.containsKey("x"))
        .containsExactly("B/false");
    assertThat(bigQuery.rows()).extracting(r -> r.get("symbol")).containsExactly("C");
    TableRow deadLetter = single(bigQuery.deadLetters());
    assertThat(deadLetter.get("message_id")).isEqualTo("m3");
    assertThat(deadLetter.get("stage")).isEqualTo("map");
    assertThat((String) deadLetter.get("errorMessage"))
        .endsWith(
            "value 'a b' cannot be part of a table name (table.route "
                + bigQuery.dataset
                + ".events_${attr:type} takes letters, digits, _ and -)");
  }

  @Test
  void tablePastRouteMaxTablesIsADeadLetterWithCoresReason() throws Exception {
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    bigQuery.addTable("events_click", CLICK_SCHEMA);
    DcpBeamOptions options = options(bigQuery, 1);

    run(
        bigQuery,
        options,
        List.of(
            TestTopics.Published.of("m0", "{\"symbol\":\"A\",\"x\":7}", Map.of("type", "click")),
            TestTopics.Published.of("m1", "{\"symbol\":\"C\"}", Map.of())));

    assertThat(bigQuery.rows()).extracting(r -> r.get("symbol")).containsExactly("C");
    assertThat(bigQuery.rows("events_click")).isEmpty();
    TableRow deadLetter = single(bigQuery.deadLetters());
    assertThat(deadLetter.get("message_id")).isEqualTo("m0");
    assertThat(deadLetter.get("errorMessage"))
        .isEqualTo(
            "map: table.route names table "
                + bigQuery.dataset
                + ".events_click, past the limit of 1 tables; raise table.routeMaxTables if"
                + " that many are expected");
  }

  private void run(
      FakeBigQuery bigQuery, DcpBeamOptions options, List<TestTopics.Published> messages)
      throws Exception {
    try (TestTopics.SteadyFactory pubsub = TestTopics.delivering(messages)) {
      BeamJobs.runToEnd(
          DcpBeamMain.prepare(options, new IoServices(pubsub, bigQuery.services)), LIMIT);
    }
  }

  private DcpBeamOptions options(FakeBigQuery bigQuery, int maxTables) throws Exception {
    String dataset = bigQuery.dataset;
    Path config =
        BeamJobs.configFile(
            dir,
            bigQuery,
            SCHEMA,
            "\n  route: "
                + dataset
                + ".events_${attr:type}\n  routeMaxTables: "
                + maxTables
                + "\n  schemas:\n    "
                + dataset
                + ".events_click: "
                + BeamJobs.file(dir, "click.json", CLICK_SCHEMA),
            "");
    return BeamJobs.atLeastOnce("--configFile=" + config);
  }

  private static TableRow single(List<TableRow> rows) {
    assertThat(rows).hasSize(1);
    return rows.get(0);
  }
}

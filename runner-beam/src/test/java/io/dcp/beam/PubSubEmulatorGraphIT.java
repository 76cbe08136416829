package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.api.services.bigquery.model.TableRow;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The production graph reading from Google's Pub/Sub emulator through PubsubIO's own client ({@code
 * --pubsubRootUrl} at the emulator), writing to Beam's BigQuery test services, on DirectRunner. A
 * streaming job over a live subscription does not end: each run is cancelled once the rows and dead
 * letters it must write are visible.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PubSubEmulatorGraphIT {
  static final Path QUICKSTART = Path.of("../examples/quickstart");
  static final String KEYED_SCHEMA =
      "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"message_id\",\"type\":\"STRING\"},"
          + "{\"name\":\"ordering_key\",\"type\":\"STRING\"},"
          + "{\"name\":\"attributes\",\"type\":\"STRING\"}]";
  static final String KEYED_MAPPING =
      "mapping:\n  columns:\n    message_id: metadata:message_id\n"
          + "    ordering_key: metadata:ordering_key\n    attributes: metadata:attributes\n";

  private final PubSubEmulator emulator;
  @TempDir Path dir;

  PubSubEmulatorGraphIT(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @ParameterizedTest
  @EnumSource(BeamJobs.Mode.class)
  void quickstartPublishedToTheEmulatorLandsEveryRowAndDeadLetterOnce(BeamJobs.Mode mode)
      throws Exception {
    EmulatorTopics topics = EmulatorTopics.create(emulator);
    List<String> ids = topics.publish(TestTopics.ofFile(QUICKSTART.resolve("events.ndjson")));
    FakeBigQuery bigQuery =
        FakeBigQuery.withTable(Files.readString(QUICKSTART.resolve("schema.json")));

    runUntil(
        topics,
        bigQuery,
        QUICKSTART.resolve("schema.json").toString(),
        QUICKSTART.resolve("dcp.yaml").toString(),
        mode,
        1_000,
        5);

    List<TableRow> rows = bigQuery.rows();
    assertThat(rows).extracting(r -> r.get("message_id")).doesNotHaveDuplicates();
    assertThat(rows)
        .extracting(r -> (String) r.get("message_id"))
        .containsExactlyInAnyOrderElementsOf(withoutDeadLettered(ids, bigQuery.deadLetters()));
    assertThat(bigQuery.deadLetters())
        .extracting(r -> r.get("errorMessage"))
        .containsExactlyInAnyOrder(
            "map: $.bid: \"12,5\" is not a FLOAT64",
            "parse: malformed JSON: Unexpected end-of-input: expected close marker for Object at"
                + " line 1, column 56",
            "map: $.symbol: missing required field",
            "decode: invalid UTF-8 at byte 11",
            "map: $.size: 1.5 is not an INT64 (it has a fraction)");
  }

  @Test
  void orderingKeyAttributesAndEmulatorMessageIdsReachTheTable() throws Exception {
    EmulatorTopics topics = EmulatorTopics.create(emulator);
    List<String> ids =
        topics.publish(
            List.of(
                published("{\"symbol\":\"A\"}", Map.of("b", "2", "a", "1"), "k1"),
                published("{\"symbol\":\"B\"}", Map.of(), "")));
    FakeBigQuery bigQuery = FakeBigQuery.withTable(KEYED_SCHEMA);

    runUntil(
        topics,
        bigQuery,
        write("schema.json", KEYED_SCHEMA),
        write("dcp.yaml", KEYED_MAPPING),
        BeamJobs.Mode.AT_LEAST_ONCE,
        2,
        0);

    assertThat(bigQuery.rows())
        .extracting(
            r ->
                r.get("symbol")
                    + "|"
                    + r.get("message_id")
                    + "|"
                    + r.get("ordering_key")
                    + "|"
                    + r.get("attributes"))
        .containsExactlyInAnyOrder(
            "A|" + ids.get(0) + "|k1|{\"a\":\"1\",\"b\":\"2\"}", "B|" + ids.get(1) + "|null|{}");
  }

  @Test
  void idAttributeDropsARepublishedEventAndKeepsEmulatorMessageIds() throws Exception {
    EmulatorTopics topics = EmulatorTopics.create(emulator);
    List<String> ids =
        topics.publish(
            List.of(
                published("{\"symbol\":\"A\"}", Map.of("event_id", "e1"), ""),
                published("{\"symbol\":\"A again\"}", Map.of("event_id", "e1"), ""),
                published("{\"symbol\":\"B\"}", Map.of("event_id", "e2"), "")));
    FakeBigQuery bigQuery = FakeBigQuery.withTable(KEYED_SCHEMA);

    PipelineResult result =
        runUntil(
            topics,
            bigQuery,
            write("schema.json", KEYED_SCHEMA),
            write("dcp.yaml", KEYED_MAPPING),
            BeamJobs.Mode.AT_LEAST_ONCE,
            2,
            0,
            "--idAttribute=event_id");

    assertThat(bigQuery.rows())
        .extracting(r -> r.get("symbol") + "|" + r.get("message_id"))
        .containsExactlyInAnyOrder("A|" + ids.get(0), "B|" + ids.get(2));
    await()
        .atMost(Duration.ofMinutes(2))
        .until(() -> BeamJobs.counter(result, "duplicates_dropped") == 1);
  }

  /**
   * Runs the job on the emulator's subscription until {@code rows} rows and {@code deadLetters}
   * dead letters are visible, then cancels it.
   */
  private PipelineResult runUntil(
      EmulatorTopics topics,
      FakeBigQuery bigQuery,
      String schemaFile,
      String mappingFile,
      BeamJobs.Mode mode,
      int rows,
      int deadLetters,
      String... extra)
      throws Exception {
    List<String> args = new ArrayList<>(List.of(extra));
    args.add("--mappingConfigFile=" + mappingFile);
    args.add("--pubsubRootUrl=" + emulator.restRoot());
    // A job over a live subscription never ends: run() returns, and the test cancels it.
    args.add("--blockOnRun=false");
    args.add(
        "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory");
    DcpBeamOptions options =
        BeamJobs.options(
            topics.subscription, bigQuery, schemaFile, mode, args.toArray(String[]::new));
    PipelineResult result = DcpBeamMain.prepare(options, bigQuery.io()).run();
    try {
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> bigQuery.rows().size() >= rows && bigQuery.deadLetters().size() >= deadLetters);
    } finally {
      result.cancel();
    }
    assertThat(bigQuery.rows()).hasSize(rows);
    assertThat(bigQuery.deadLetters()).hasSize(deadLetters);
    return result;
  }

  private static List<String> withoutDeadLettered(List<String> ids, List<TableRow> deadLetters) {
    List<String> out = new ArrayList<>(ids);
    for (TableRow d : deadLetters) {
      out.remove((String) d.get("message_id"));
    }
    return out;
  }

  private static TestTopics.Published published(
      String json, Map<String, String> attributes, String orderingKey) {
    return new TestTopics.Published(
        "", json.getBytes(StandardCharsets.UTF_8), attributes, orderingKey, 0);
  }

  private String write(String name, String text) throws Exception {
    Path file = Files.createTempFile(dir, "", name);
    Files.writeString(file, text);
    return file.toString();
  }
}

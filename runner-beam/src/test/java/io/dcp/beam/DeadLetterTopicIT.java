package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.awaitility.Awaitility;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters published to a Pub/Sub topic by the production graph: messages from Beam's {@code
 * PubsubTestClient} (so the job ends by itself), rows to Beam's BigQuery test services, and the
 * dead letters through PubsubIO's own client to a topic on Google's Pub/Sub emulator ({@code
 * --pubsubRootUrl}), pulled back with the emulator's REST API.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DeadLetterTopicIT {
  static final Duration LIMIT = Duration.standardMinutes(3);
  static final String SCHEMA =
      "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"size\",\"type\":\"INT64\"}]";

  private final PubSubEmulator emulator;
  @TempDir Path dir;

  DeadLetterTopicIT(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @Test
  void deadLetterReachesTheTopicWithItsBytesItsAttributesAndDcpAttributes() throws Exception {
    EmulatorTopics deadLetters = EmulatorTopics.createPlain(emulator);
    FakeBigQuery bigQuery = FakeBigQuery.withTable(SCHEMA);
    String poison = "{\"symbol\":\"B\",\"size\":1.5}";
    List<TestTopics.Published> messages =
        List.of(
            published("m0", "{\"symbol\":\"A\",\"size\":1}", Map.of()),
            published("m1", poison, Map.of("origin", "feed-2", "kind", "quote")));
    Path config =
        write(
            "dcp.yaml",
            "table:\n  id: "
                + bigQuery.table().replace(':', '.')
                + "\n  schema: "
                + write("schema.json", SCHEMA)
                + "\ndeadLetter:\n  type: pubsub-topic\n  pubsub:\n    topic: "
                + deadLetters.topic
                + "\n");
    DcpBeamOptions options =
        options("--configFile=" + config, "--pubsubRootUrl=" + emulator.restRoot());
    Instant started = Instant.now();

    try (TestTopics.SteadyFactory pubsub = TestTopics.delivering(messages)) {
      BeamJobs.runToEnd(
          DcpBeamMain.prepare(options, new IoServices(pubsub, bigQuery.services)), LIMIT);
    }

    Instant finished = Instant.now();
    assertThat(options.getDeadLetterTopic()).isEqualTo(deadLetters.topic);
    assertThat(bigQuery.rows())
        .extracting(r -> r.get("symbol") + "/" + r.get("size"))
        .containsExactly("A/1");
    // The job ended, so its sink has published; a pull may still answer before it sees them.
    List<JsonNode> pulled = new ArrayList<>();
    Awaitility.await()
        .atMost(java.time.Duration.ofMinutes(3))
        .until(
            () -> {
              pulled.addAll(deadLetters.pull());
              return !pulled.isEmpty();
            });
    assertThat(pulled).hasSize(1);
    JsonNode deadLetter = pulled.get(0);
    assertThat(Base64.getDecoder().decode(deadLetter.get("data").asText()))
        .isEqualTo(poison.getBytes(StandardCharsets.UTF_8));
    Map<String, String> attributes = attributes(deadLetter);
    Instant failedAt = Instant.parse(attributes.remove("dcp_failed_at"));
    assertThat(failedAt).isBetween(started, finished);
    assertThat(attributes)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "origin", "feed-2",
                "kind", "quote",
                "dcp_stage", "map",
                "dcp_error", "map: $.size: 1.5 is not an INT64 (it has a fraction)",
                "dcp_message_id", "m1",
                "dcp_subscription", TestTopics.SUBSCRIPTION,
                "dcp_publish_time", Instant.ofEpochMilli(TestTopics.PUBLISHED_AT).toString()));
  }

  private DcpBeamOptions options(String... extra) {
    List<String> args = new ArrayList<>();
    args.add("--inputSubscription=" + TestTopics.SUBSCRIPTION);
    args.add("--streaming=true");
    args.add("--experiments=use_sdf_read");
    args.add("--project=" + FakeBigQuery.PROJECT);
    args.add("--writeMode=AT_LEAST_ONCE");
    args.addAll(List.of(extra));
    PipelineOptionsFactory.register(DcpBeamOptions.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(DcpBeamOptions.class);
  }

  private static TestTopics.Published published(
      String id, String json, Map<String, String> attributes) {
    return new TestTopics.Published(
        id, json.getBytes(StandardCharsets.UTF_8), attributes, "", TestTopics.PUBLISHED_AT);
  }

  private static Map<String, String> attributes(JsonNode message) {
    Map<String, String> attributes = new TreeMap<>();
    if (message.has("attributes")) {
      Iterator<Map.Entry<String, JsonNode>> it = message.get("attributes").fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        attributes.put(e.getKey(), e.getValue().asText());
      }
    }
    return attributes;
  }

  private Path write(String name, String text) throws Exception {
    Path file = Files.createTempFile(dir, "", name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }
}

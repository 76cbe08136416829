package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
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
            TestTopics.Published.of("m0", "{\"symbol\":\"A\",\"size\":1}", Map.of()),
            TestTopics.Published.of("m1", poison, Map.of("origin", "feed-2", "kind", "quote")));
    Path config =
        BeamJobs.file(
            dir,
            "dcp.yaml",
            "table:\n  id: "
                + bigQuery.table().replace(':', '.')
                + "\n  schema: "
                + BeamJobs.file(dir, "schema.json", SCHEMA)
                + "\ndeadLetter:\n  type: pubsub-topic\n  pubsub:\n    topic: "
                + deadLetters.topic
                + "\n");
    DcpBeamOptions options =
        BeamJobs.atLeastOnce("--configFile=" + config, "--pubsubRootUrl=" + emulator.restRoot());
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
}

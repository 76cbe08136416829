package io.dcp.adapters.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.port.SinkException;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real {@link PubSubDeadLetterSink} publishing to Google's Pub/Sub emulator; what it published
 * is read back through a subscription on the dead-letter topic.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PubSubDeadLetterSinkTest {
  static final Instant T = Instant.parse("2026-11-24T10:15:30Z");

  private final PubSubEmulator emulator;
  private EmulatorResources pubsub;
  private String topic;
  private String published;

  PubSubDeadLetterSinkTest(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void createTopic() {
    pubsub = new EmulatorResources(emulator.hostPort());
    topic = pubsub.topic("dead-letters");
    published = pubsub.subscription("dead-letters-read", topic);
  }

  @AfterEach
  void close() throws InterruptedException {
    pubsub.close();
  }

  @Test
  void aMissingTopicFailsAtOpenWithTheNameAndTheFix() {
    assertThatThrownBy(() -> open("projects/local/topics/missing"))
        .isInstanceOf(SinkException.class)
        .hasMessage(
            "dead-letter topic projects/local/topics/missing does not exist: create it (gcloud"
                + " pubsub topics create missing) or fix deadLetter.pubsub.topic");
  }

  @Test
  void writeReturnsOnceEveryDeadLetterIsPublished() throws Exception {
    try (PubSubDeadLetterSink sink = open(topic)) {
      sink.write(
          List.of(
              deadLetter("1", "{\"a\":", Map.of("k", "v"), "malformed JSON"),
              deadLetter("2", "[]", Map.of(), "expected a JSON object")));
      // Pulled once write returned: nothing is awaited, so both were published by then.
      List<PubsubMessage> sent = pubsub.pullAllMessages(published);
      assertThat(sent)
          .extracting(
              m -> m.getAttributesOrThrow("dcp_message_id") + " " + m.getData().toStringUtf8())
          .containsExactly("1 {\"a\":", "2 []");
      assertThat(sent.get(0).getAttributesOrThrow("dcp_error")).isEqualTo("parse: malformed JSON");
      assertThat(sent.get(0).getAttributesOrThrow("dcp_publish_time"))
          .isEqualTo("2026-11-24T10:15:30Z");
    }
  }

  @Test
  void aLongReasonIsCutToTheAttributeLimitOnACharacterBoundary() {
    String reason = "é".repeat(2_000);
    String cut = PubSubDeadLetterSink.truncate(reason);
    assertThat(cut.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024);
    assertThat(cut).endsWith("…").startsWith("ééé");
    assertThat(cut).hasSize(510 + 1);
    assertThat(PubSubDeadLetterSink.truncate("short")).isEqualTo("short");
  }

  @Test
  void tooManyAttributesIsAPermanentFailureNamingTheMessage() throws Exception {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 99; i++) {
      many.put("a" + i, "v");
    }
    try (PubSubDeadLetterSink sink = open(topic)) {
      assertThatThrownBy(() -> sink.write(List.of(deadLetter("7", "{}", many, "bad"))))
          .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
          .hasMessageStartingWith("message 7 has 99 attributes");
    }
    assertThat(pubsub.pullAllMessages(published)).isEmpty();
  }

  private PubSubDeadLetterSink open(String topic) throws SinkException {
    return new PubSubDeadLetterSink(
        PubSubDeadLetterSettings.defaults(topic).withEndpoint(emulator.hostPort()),
        "projects/local/subscriptions/quotes-dcp",
        Map.of());
  }

  private static DeadLetter deadLetter(
      String id, String payload, Map<String, String> attributes, String reason) {
    Message m = new Message(id, payload.getBytes(StandardCharsets.UTF_8), attributes, T, "", 1);
    Stage stage = reason.startsWith("malformed") ? Stage.PARSE : Stage.MAP;
    return DeadLetter.of(m, stage, "", reason, T);
  }
}

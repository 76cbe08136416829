package io.dcp.adapters.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.port.SinkException;
import io.dcp.testing.pubsub.FakePubSubServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PubSubDeadLetterSinkTest {
  static final String TOPIC = "projects/demo/topics/dead-letters";
  static final Instant T = Instant.parse("2026-11-24T10:15:30Z");

  FakePubSubServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakePubSubServer.start();
    server.createTopic(TOPIC);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void aMissingTopicFailsAtOpenWithTheNameAndTheFix() {
    assertThatThrownBy(() -> open("projects/demo/topics/missing"))
        .isInstanceOf(SinkException.class)
        .hasMessage(
            "dead-letter topic projects/demo/topics/missing does not exist: create it (gcloud"
                + " pubsub topics create missing) or fix deadLetter.pubsub.topic");
  }

  @Test
  void writeReturnsOnceEveryDeadLetterIsPublished() throws Exception {
    try (PubSubDeadLetterSink sink = open(TOPIC)) {
      sink.write(
          List.of(
              deadLetter("1", "{\"a\":", Map.of("k", "v"), "malformed JSON"),
              deadLetter("2", "[]", Map.of(), "expected a JSON object")));
      assertThat(server.published(TOPIC))
          .extracting(
              m -> m.getAttributesOrThrow("dcp_message_id") + " " + m.getData().toStringUtf8())
          .containsExactly("1 {\"a\":", "2 []");
      assertThat(server.published(TOPIC).get(0).getAttributesOrThrow("dcp_error"))
          .isEqualTo("parse: malformed JSON");
      assertThat(server.published(TOPIC).get(0).getAttributesOrThrow("dcp_publish_time"))
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
    try (PubSubDeadLetterSink sink = open(TOPIC)) {
      assertThatThrownBy(() -> sink.write(List.of(deadLetter("7", "{}", many, "bad"))))
          .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
          .hasMessageStartingWith("message 7 has 99 attributes");
    }
  }

  private PubSubDeadLetterSink open(String topic) throws SinkException {
    return new PubSubDeadLetterSink(
        PubSubDeadLetterSettings.defaults(topic).withEndpoint(server.endpoint()),
        "projects/demo/subscriptions/s",
        Map.of());
  }

  private static DeadLetter deadLetter(
      String id, String payload, Map<String, String> attributes, String reason) {
    Message m = new Message(id, payload.getBytes(StandardCharsets.UTF_8), attributes, T, "", 1);
    Stage stage = reason.startsWith("malformed") ? Stage.PARSE : Stage.MAP;
    return DeadLetter.of(m, stage, "", reason, T);
  }
}

package io.dcp.adapters.pubsub;

import static io.dcp.adapters.pubsub.MappingFix.FAILED;
import static io.dcp.adapters.pubsub.MappingFix.PUBLISHED;
import static io.dcp.adapters.pubsub.MappingFix.TABLE;
import static io.dcp.adapters.pubsub.MappingFix.message;
import static io.dcp.adapters.pubsub.MappingFix.publishThroughTheSink;
import static io.dcp.adapters.pubsub.MappingFix.rejectedByTheOldMapping;
import static io.dcp.adapters.pubsub.MappingFix.replayWithTheFix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.SinkException;
import io.dcp.core.replay.Replay;
import io.dcp.core.testing.InMemoryRowSink;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Dead letters published by the real {@link PubSubDeadLetterSink}, replayed from a subscription to
 * the dead-letter topic with the real Google client, against Google's Pub/Sub emulator. The
 * emulator does not report acks: a second subscription on the topic reads what was published, and
 * what the replay subscription still holds afterwards (pulled until empty) is what was not acked.
 * Lease extension under a slow sink is in {@link PubSubDeadLetterStoreFaultTest}.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PubSubDeadLetterStoreTest {
  private final PubSubEmulator emulator;
  private final InMemoryRowSink rows = new InMemoryRowSink();
  private EmulatorResources pubsub;
  private String topic;
  private String subscription;
  private String reader;
  private List<PubsubMessage> published = List.of();

  PubSubDeadLetterStoreTest(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void createTopic() {
    pubsub = new EmulatorResources(emulator.hostPort());
    topic = pubsub.topic("quotes-dead-letters");
    subscription = pubsub.subscription("quotes-dead-letters-replay", topic);
    reader = pubsub.subscription("quotes-dead-letters-read", topic);
  }

  @AfterEach
  void close() throws InterruptedException {
    pubsub.close();
  }

  @Test
  void rebuildsTheDeadLetterThePipelinePublished() throws Exception {
    DeadLetter sent =
        new DeadLetter(
            new Message(
                "m1",
                "{\"symbol\":\"AAPL\",\"bid\":\"12,5\"}".getBytes(StandardCharsets.UTF_8),
                Map.of("origin", "nyse", "dcp_custom", "kept"),
                PUBLISHED,
                "",
                0),
            Stage.MAP,
            "$.bid",
            "\"12,5\" is not a FLOAT64",
            "java.lang.IllegalStateException: boom\n\tat x.y(Z.java:1)",
            FAILED);
    publish(List.of(sent));

    try (PubSubDeadLetterStore store = open(settings())) {
      List<DeadLetterStore.Stored> found = store.find(DeadLetterQuery.all());

      assertThat(found).extracting(DeadLetterStore.Stored::deadLetter).containsExactly(sent);
      // The key is the ack id, which the emulator forms from the subscription's name.
      assertThat(found.get(0).key()).startsWith(subscription + ":");
    }
  }

  @Test
  void aLongErrorComesBackCutAsTheSinkPublishedIt() throws Exception {
    String reason = "é".repeat(2_000);
    publish(List.of(DeadLetter.of(message("m1", "{}", Map.of()), Stage.MAP, "", reason, FAILED)));

    try (PubSubDeadLetterStore store = open(settings())) {
      DeadLetter back = store.find(DeadLetterQuery.all()).get(0).deadLetter();

      assertThat(back.errorMessage())
          .isEqualTo(PubSubDeadLetterSink.truncate("map: " + reason))
          .endsWith("…");
    }
  }

  @Test
  void replayedDeadLettersLandAsExactRowsAndAreAckedOnceTheRestStays() throws Exception {
    publish(
        rejectedByTheOldMapping(
            message(
                "m1", "{\"symbol\":\"AAPL\",\"bid\":1.5,\"note\":\"x\"}", Map.of("origin", "a")),
            message("m2", "{\"symbol\":\"MSFT\",\"bid\":2.5,\"venue\":\"y\"}", Map.of()),
            message("m3", "{\"bid\":3,\"note\":\"z\"}", Map.of("origin", "c"))));

    Replay.Report report;
    try (PubSubDeadLetterStore store = open(settings())) {
      report = replayWithTheFix(store, rows).run(DeadLetterQuery.all(), false);
    }
    Replay.Report again;
    try (PubSubDeadLetterStore store = open(settings())) {
      again = replayWithTheFix(store, rows).run(DeadLetterQuery.all(), false);
    }

    assertThat(report)
        .isEqualTo(new Replay.Report(3, 2, 2, Map.of("map: $.symbol: missing required field", 1)));
    assertThat(rows.rows(TABLE))
        .containsExactly(
            Row.of(
                Map.of(
                    "symbol", "AAPL",
                    "bid", 1.5,
                    "message_id", "m1",
                    "published", PUBLISHED,
                    "origin", "a")),
            Row.of(
                Map.of("symbol", "MSFT", "bid", 2.5, "message_id", "m2", "published", PUBLISHED)));
    assertThat(again.selected()).isEqualTo(1);
    assertThat(again.landed()).isZero();
    // m1 and m2 acked, m3 released by both replays: back in the subscription, leased to no one.
    assertThat(left()).containsExactlyElementsOf(publishedIds("m3"));
  }

  @Test
  void aDryRunAcksNothingAndLeavesEveryMessageInTheSubscription() throws Exception {
    publish(
        rejectedByTheOldMapping(
            message("m1", "{\"symbol\":\"AAPL\",\"note\":\"x\"}", Map.of()),
            message("m2", "{\"note\":\"y\"}", Map.of())));

    Replay.Report report;
    try (PubSubDeadLetterStore store = open(settings())) {
      report = replayWithTheFix(store, rows).run(DeadLetterQuery.all(), true);
    }

    assertThat(report.selected()).isEqualTo(2);
    assertThat(report.landed()).isEqualTo(1);
    assertThat(rows.rows(TABLE)).isEmpty();
    assertThat(left()).containsExactlyInAnyOrderElementsOf(publishedIds("m1", "m2"));
  }

  @Test
  void aRowTheTableRefusesKeepsItsDeadLetterInTheSubscription() throws Exception {
    publish(
        rejectedByTheOldMapping(
            message("m1", "{\"symbol\":\"AAPL\",\"note\":\"x\"}", Map.of()),
            message("m2", "{\"symbol\":\"MSFT\",\"note\":\"y\"}", Map.of())));
    rows.rejectRows(r -> r.get("symbol").equals("MSFT") ? "column too long" : null);

    try (PubSubDeadLetterStore store = open(settings())) {
      Replay.Report report = replayWithTheFix(store, rows).run(DeadLetterQuery.all(), false);
      assertThat(report.stillRejected()).containsExactly(Map.entry("write: column too long", 1));
    }

    assertThat(left()).containsExactlyElementsOf(publishedIds("m2"));
  }

  @Test
  void selectsByStageReasonAndTimeAndLeavesTheOthersInTheSubscription() throws Exception {
    publish(
        List.of(
            DeadLetter.of(
                message("a", "{\"symbol\":\"A\"}", Map.of()),
                Stage.MAP,
                "$.bid",
                "\"x\" is not a FLOAT64",
                FAILED),
            DeadLetter.of(
                message("b", "{\"symbol\":\"B\"}", Map.of()),
                Stage.PARSE,
                "",
                "malformed JSON",
                FAILED),
            DeadLetter.of(
                message("c", "{\"symbol\":\"C\"}", Map.of()),
                Stage.MAP,
                "$.size",
                "missing required field",
                FAILED.plusSeconds(60)),
            DeadLetter.of(
                message("d", "{\"symbol\":\"D\"}", Map.of()),
                Stage.MAP,
                "$.size",
                "missing required field",
                FAILED.minusSeconds(1))));
    DeadLetterQuery query =
        new DeadLetterQuery(
            Optional.of(Stage.MAP),
            Optional.of(Pattern.compile("FLOAT64|missing")),
            Optional.of(FAILED),
            Optional.of(FAILED.plusSeconds(60)));

    try (PubSubDeadLetterStore store = open(settings())) {
      assertThat(replayWithTheFix(store, rows).run(query, false).landed()).isEqualTo(1);
    }

    assertThat(rows.rows(TABLE)).extracting(r -> r.get("symbol")).containsExactly("A");
    assertThat(left()).containsExactlyInAnyOrderElementsOf(publishedIds("b", "c", "d"));
  }

  @Test
  void findReturnsTheOldestRejectionFirst() throws Exception {
    publish(
        List.of(
            DeadLetter.of(message("late", "{}", Map.of()), Stage.MAP, "", "r", FAILED),
            DeadLetter.of(
                message("early", "{}", Map.of()), Stage.MAP, "", "r", FAILED.minusSeconds(5))));

    try (PubSubDeadLetterStore store = open(settings())) {
      assertThat(store.find(DeadLetterQuery.all()))
          .extracting(s -> s.deadLetter().message().id())
          .containsExactly("early", "late");
    }
  }

  @Test
  void messagesNotPublishedByDcpAreNeverAckedAndAreCounted() throws Exception {
    publish(
        rejectedByTheOldMapping(message("m1", "{\"symbol\":\"AAPL\",\"note\":\"x\"}", Map.of())));
    List<String> foreign =
        pubsub.publish(
            topic,
            List.of(
                PubsubMessage.newBuilder()
                    .setData(ByteString.copyFromUtf8("{\"symbol\":\"FOREIGN\"}"))
                    .putAttributes("origin", "someone else")
                    .build(),
                PubsubMessage.newBuilder()
                    .setData(ByteString.copyFromUtf8("{\"symbol\":\"ODD\"}"))
                    .putAttributes("dcp_stage", "teleport")
                    .build()));

    try (PubSubDeadLetterStore store = open(settings())) {
      Replay.Report report = replayWithTheFix(store, rows).run(DeadLetterQuery.all(), false);

      assertThat(report.selected()).isEqualTo(1);
      assertThat(store.foreignMessages()).isEqualTo(2);
    }

    assertThat(rows.rows(TABLE)).extracting(r -> r.get("symbol")).containsExactly("AAPL");
    assertThat(left()).containsExactlyInAnyOrderElementsOf(foreign);
  }

  @Test
  void stopsPullingAtMaxMessagesAndReleasesTheRest() throws Exception {
    List<DeadLetter> three = new ArrayList<>();
    for (String id : List.of("m1", "m2", "m3")) {
      three.add(DeadLetter.of(message(id, "{}", Map.of()), Stage.MAP, "", "r", FAILED));
    }
    publish(three);

    try (PubSubDeadLetterStore store = open(settings().withMaxMessages(2))) {
      assertThat(store.find(DeadLetterQuery.all())).hasSize(2);
      assertThat(store.limitReached()).isTrue();
    }

    assertThat(left()).containsExactlyInAnyOrderElementsOf(publishedIds("m1", "m2", "m3"));
  }

  @Test
  void aMissingSubscriptionIsAPermanentFailureNamingIt() throws Exception {
    try (PubSubDeadLetterStore store =
        open(
            PubSubDeadLetterStoreSettings.defaults("projects/local/subscriptions/missing")
                .withEndpoint(emulator.hostPort()))) {
      assertThatThrownBy(() -> store.find(DeadLetterQuery.all()))
          .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
          .hasMessageStartingWith(
              "Pub/Sub subscription projects/local/subscriptions/missing does not exist: create it"
                  + " on the dead-letter topic (gcloud pubsub subscriptions create missing");
    }
  }

  @Test
  void theEmulatorVariableIsHonouredWithoutAnEndpoint() throws Exception {
    publish(List.of(DeadLetter.of(message("m1", "{}", Map.of()), Stage.MAP, "", "r", FAILED)));

    try (PubSubDeadLetterStore store =
        new PubSubDeadLetterStore(
            PubSubDeadLetterStoreSettings.defaults(subscription),
            Map.of("PUBSUB_EMULATOR_HOST", emulator.hostPort()))) {
      assertThat(store.find(DeadLetterQuery.all())).hasSize(1);
    }
  }

  private PubSubDeadLetterStoreSettings settings() {
    return PubSubDeadLetterStoreSettings.defaults(subscription).withEndpoint(emulator.hostPort());
  }

  private static PubSubDeadLetterStore open(PubSubDeadLetterStoreSettings settings)
      throws SinkException {
    return new PubSubDeadLetterStore(settings, Map.of());
  }

  /** Publishes through the sink the pipeline uses, and reads back what it published. */
  private void publish(List<DeadLetter> deadLetters) throws SinkException {
    publishThroughTheSink(topic, emulator.hostPort(), deadLetters);
    published = pubsub.pullAllMessages(reader);
    assertThat(published).hasSize(deadLetters.size());
  }

  /** The ids of the dead letters published to the topic for these dcp message ids, in order. */
  private List<String> publishedIds(String... dcpMessageIds) {
    Map<String, String> byDcpId = new HashMap<>();
    for (PubsubMessage m : published) {
      byDcpId.put(m.getAttributesOrDefault("dcp_message_id", m.getMessageId()), m.getMessageId());
    }
    return Arrays.stream(dcpMessageIds).map(byDcpId::get).toList();
  }

  /** What the replay subscription still holds: released, neither acked nor leased. */
  private List<String> left() {
    return pubsub.pullAllIds(subscription);
  }
}

package io.dcp.adapters.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.mapping.ColumnSource;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.UnknownFields;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.Replay;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.SinkException;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.testing.InMemoryRowSink;
import io.dcp.testing.pubsub.FakePubSubServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters published by the real {@link PubSubDeadLetterSink}, replayed from a subscription to
 * the dead-letter topic with the real Google client, against the Pub/Sub test server.
 */
class PubSubDeadLetterStoreTest {
  static final String TOPIC = "projects/demo/topics/quotes-dead-letters";
  static final String SUBSCRIPTION = "projects/demo/subscriptions/quotes-dead-letters-replay";
  static final String SOURCE = "projects/demo/subscriptions/quotes-dcp";
  static final TableId TABLE = TableId.local("quotes");
  static final Instant PUBLISHED = Instant.parse("2026-11-24T10:15:30.123456Z");
  static final Instant FAILED = Instant.parse("2026-11-24T10:15:31Z");
  static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("bid", FieldType.FLOAT64),
          Field.of("message_id", FieldType.STRING),
          Field.of("published", FieldType.TIMESTAMP),
          Field.of("origin", FieldType.STRING));
  static final MappingConfig FIXED =
      MappingConfig.typed()
          .withColumn("message_id", ColumnSource.parse("metadata:message_id"))
          .withColumn("published", ColumnSource.parse("metadata:publish_time"))
          .withColumn("origin", ColumnSource.parse("attribute:origin"));
  static final MappingConfig OLD = FIXED.withUnknownFields(UnknownFields.REJECT);

  FakePubSubServer server;
  InMemoryRowSink rows = new InMemoryRowSink();

  @BeforeEach
  void start() throws Exception {
    server = FakePubSubServer.start();
    server.createTopic(TOPIC);
    server.createSubscription(SUBSCRIPTION, TOPIC, 10, false);
  }

  @AfterEach
  void stop() {
    server.close();
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
      assertThat(found.get(0).key()).startsWith("ack-");
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
    List<PubsubMessage> published = server.published(TOPIC);

    Replay.Report report;
    try (PubSubDeadLetterStore store = open(settings())) {
      report = replay(store).run(DeadLetterQuery.all(), false);
    }
    Replay.Report again;
    try (PubSubDeadLetterStore store = open(settings())) {
      again = replay(store).run(DeadLetterQuery.all(), false);
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
    assertThat(server.ackedIds(SUBSCRIPTION))
        .containsExactly(published.get(0).getMessageId(), published.get(1).getMessageId());
    assertThat(again.selected()).isEqualTo(1);
    assertThat(again.landed()).isZero();
    assertThat(server.ackedIds(SUBSCRIPTION)).hasSize(2);
    assertThat(server.backlog(SUBSCRIPTION)).isEqualTo(1);
    assertThat(server.outstanding(SUBSCRIPTION)).isZero();
  }

  @Test
  void aDryRunAcksNothingAndLeavesEveryMessageInTheSubscription() throws Exception {
    publish(
        rejectedByTheOldMapping(
            message("m1", "{\"symbol\":\"AAPL\",\"note\":\"x\"}", Map.of()),
            message("m2", "{\"note\":\"y\"}", Map.of())));

    Replay.Report report;
    try (PubSubDeadLetterStore store = open(settings())) {
      report = replay(store).run(DeadLetterQuery.all(), true);
    }

    assertThat(report.selected()).isEqualTo(2);
    assertThat(report.landed()).isEqualTo(1);
    assertThat(rows.rows(TABLE)).isEmpty();
    assertThat(server.ackedIds(SUBSCRIPTION)).isEmpty();
    assertThat(server.backlog(SUBSCRIPTION)).isEqualTo(2);
  }

  @Test
  void aRowTheTableRefusesKeepsItsDeadLetterInTheSubscription() throws Exception {
    publish(
        rejectedByTheOldMapping(
            message("m1", "{\"symbol\":\"AAPL\",\"note\":\"x\"}", Map.of()),
            message("m2", "{\"symbol\":\"MSFT\",\"note\":\"y\"}", Map.of())));
    rows.rejectRows(r -> r.get("symbol").equals("MSFT") ? "column too long" : null);

    try (PubSubDeadLetterStore store = open(settings())) {
      Replay.Report report = replay(store).run(DeadLetterQuery.all(), false);
      assertThat(report.stillRejected()).containsExactly(Map.entry("write: column too long", 1));
    }

    assertThat(server.ackedIds(SUBSCRIPTION)).hasSize(1);
    assertThat(server.backlog(SUBSCRIPTION)).isEqualTo(1);
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
      assertThat(replay(store).run(query, false).landed()).isEqualTo(1);
    }

    assertThat(rows.rows(TABLE)).extracting(r -> r.get("symbol")).containsExactly("A");
    assertThat(server.ackedIds(SUBSCRIPTION)).hasSize(1);
    assertThat(server.backlog(SUBSCRIPTION)).isEqualTo(3);
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
    server.publish(
        TOPIC,
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
      Replay.Report report = replay(store).run(DeadLetterQuery.all(), false);

      assertThat(report.selected()).isEqualTo(1);
      assertThat(store.foreignMessages()).isEqualTo(2);
    }

    assertThat(rows.rows(TABLE)).extracting(r -> r.get("symbol")).containsExactly("AAPL");
    assertThat(server.ackedIds(SUBSCRIPTION)).hasSize(1);
    assertThat(server.backlog(SUBSCRIPTION)).isEqualTo(2);
  }

  @Test
  void leasesAreExtendedWhileTheReplayWorks() throws Exception {
    server.createSubscription(
        "projects/demo/subscriptions/short-lease", TOPIC, 1, /* exactlyOnce= */ true);
    publish(
        rejectedByTheOldMapping(
            message("m1", "{\"symbol\":\"AAPL\",\"note\":\"x\"}", Map.of()),
            message("m2", "{\"symbol\":\"MSFT\",\"note\":\"y\"}", Map.of())));
    // The sink takes longer than the subscription's 1 s ack deadline, twice over.
    rows.onWrite(() -> sleep(Duration.ofMillis(2_500)));

    PubSubDeadLetterStoreSettings shortLease =
        new PubSubDeadLetterStoreSettings(
            "projects/demo/subscriptions/short-lease",
            server.endpoint(),
            100,
            Duration.ofSeconds(1));
    try (PubSubDeadLetterStore store = open(shortLease)) {
      assertThat(replay(store).run(DeadLetterQuery.all(), false).landed()).isEqualTo(2);
    }

    assertThat(server.deliveries("projects/demo/subscriptions/short-lease")).isEqualTo(2);
    assertThat(server.ackedCount("projects/demo/subscriptions/short-lease")).isEqualTo(2);
    assertThat(server.backlog("projects/demo/subscriptions/short-lease")).isZero();
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

    assertThat(server.backlog(SUBSCRIPTION)).isEqualTo(3);
  }

  @Test
  void aMissingSubscriptionIsAPermanentFailureNamingIt() throws Exception {
    try (PubSubDeadLetterStore store =
        open(
            PubSubDeadLetterStoreSettings.defaults("projects/demo/subscriptions/missing")
                .withEndpoint(server.endpoint()))) {
      assertThatThrownBy(() -> store.find(DeadLetterQuery.all()))
          .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
          .hasMessageStartingWith(
              "Pub/Sub subscription projects/demo/subscriptions/missing does not exist: create it"
                  + " on the dead-letter topic (gcloud pubsub subscriptions create missing");
    }
  }

  @Test
  void theEmulatorVariableIsHonouredWithoutAnEndpoint() throws Exception {
    publish(List.of(DeadLetter.of(message("m1", "{}", Map.of()), Stage.MAP, "", "r", FAILED)));

    try (PubSubDeadLetterStore store =
        new PubSubDeadLetterStore(
            PubSubDeadLetterStoreSettings.defaults(SUBSCRIPTION),
            Map.of("PUBSUB_EMULATOR_HOST", server.endpoint()))) {
      assertThat(store.find(DeadLetterQuery.all())).hasSize(1);
    }
  }

  private PubSubDeadLetterStoreSettings settings() {
    return PubSubDeadLetterStoreSettings.defaults(SUBSCRIPTION).withEndpoint(server.endpoint());
  }

  private static PubSubDeadLetterStore open(PubSubDeadLetterStoreSettings settings)
      throws SinkException {
    return new PubSubDeadLetterStore(settings, Map.of());
  }

  private Replay replay(DeadLetterStore store) {
    return new Replay(
        store,
        JsonMessageMapper.create(SCHEMA, FIXED, SOURCE, Clock.systemUTC()),
        TABLE,
        SCHEMA,
        rows);
  }

  /** Publishes through the sink the pipeline uses. */
  private void publish(List<DeadLetter> deadLetters) throws SinkException {
    try (PubSubDeadLetterSink sink =
        new PubSubDeadLetterSink(
            PubSubDeadLetterSettings.defaults(TOPIC).withEndpoint(server.endpoint()),
            SOURCE,
            Map.of())) {
      sink.write(deadLetters);
    }
  }

  /** The dead letters the mapping before the fix (unknown fields rejected) made. */
  private static List<DeadLetter> rejectedByTheOldMapping(Message... messages) {
    JsonMessageMapper old =
        JsonMessageMapper.create(SCHEMA, OLD, SOURCE, Clock.fixed(FAILED, ZoneOffset.UTC));
    List<DeadLetter> out = new ArrayList<>();
    for (Message m : messages) {
      MappingResult result = old.map(m);
      assertThat(result).isInstanceOf(MappingResult.Rejected.class);
      out.add(((MappingResult.Rejected) result).deadLetter());
    }
    return out;
  }

  private static Message message(String id, String json, Map<String, String> attributes) {
    return new Message(id, json.getBytes(StandardCharsets.UTF_8), attributes, PUBLISHED, "", 0);
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

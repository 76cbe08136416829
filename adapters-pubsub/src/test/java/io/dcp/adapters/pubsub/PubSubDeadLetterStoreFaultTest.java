package io.dcp.adapters.pubsub;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.mapping.ColumnSource;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.UnknownFields;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lease extension by {@link PubSubDeadLetterStore} during a slow replay, on {@link
 * FakePubSubServer}: Pub/Sub and its emulator refuse ack deadlines under 10 s and do not count
 * deliveries, while the fake takes a 1 s deadline and counts every delivery, so a lost lease shows
 * as a redelivery within seconds. The rest of the store's behaviour runs on Google's emulator in
 * {@link PubSubDeadLetterStoreTest}.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PubSubDeadLetterStoreFaultTest {
  static final String TOPIC = "projects/demo/topics/quotes-dead-letters";
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
  }

  @AfterEach
  void stop() {
    server.close();
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

package io.dcp.adapters.pubsub;

import static io.dcp.adapters.pubsub.MappingFix.message;
import static io.dcp.adapters.pubsub.MappingFix.publishThroughTheSink;
import static io.dcp.adapters.pubsub.MappingFix.rejectedByTheOldMapping;
import static io.dcp.adapters.pubsub.MappingFix.replayWithTheFix;
import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.testing.InMemoryRowSink;
import io.dcp.testing.pubsub.FakePubSubServer;
import java.time.Duration;
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
    publishThroughTheSink(
        TOPIC,
        server.endpoint(),
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
    try (PubSubDeadLetterStore store = new PubSubDeadLetterStore(shortLease, Map.of())) {
      assertThat(replayWithTheFix(store, rows).run(DeadLetterQuery.all(), false).landed())
          .isEqualTo(2);
    }

    assertThat(server.deliveries("projects/demo/subscriptions/short-lease")).isEqualTo(2);
    assertThat(server.ackedCount("projects/demo/subscriptions/short-lease")).isEqualTo(2);
    assertThat(server.backlog("projects/demo/subscriptions/short-lease")).isZero();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.dcp.adapters.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.SourceException;
import io.dcp.testing.pubsub.FakePubSubServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real Subscriber against {@link FakePubSubServer}, for what Google's emulator cannot do: end
 * leases on demand, deny access, count pull streams. The fake answers these calls as the emulator
 * does ({@code PubSubBehaviourScenarios} in test-servers compares them).
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PubSubMessageSourceFaultTest {
  static final String TOPIC = "projects/demo/topics/quotes";
  static final String SUBSCRIPTION = "projects/demo/subscriptions/quotes-dcp";

  FakePubSubServer server;
  PubSubMessageSource source;
  final List<Delivered> delivered = new CopyOnWriteArrayList<>();

  record Delivered(Message message, Acknowledger acknowledger) {}

  @BeforeEach
  void startServer() throws Exception {
    server = FakePubSubServer.start();
    server.createTopicAndSubscription(TOPIC, SUBSCRIPTION);
  }

  @AfterEach
  void stopAll() {
    if (source != null) {
      source.stop();
      delivered.forEach(d -> settleQuietly(d.acknowledger()));
      source.close();
    }
    server.close();
  }

  @Test
  void anExpiredAckDeadlineRedeliversTheMessageAndTheLateAckIsIgnored() throws Exception {
    server.publish(TOPIC, List.of(message("slow")));
    startSource(settings(), recording());
    waitFor(() -> delivered.size() == 1);

    server.expireLeases(SUBSCRIPTION);

    waitFor(() -> delivered.size() == 2);
    assertThat(delivered.get(1).message().id()).isEqualTo(delivered.get(0).message().id());
    delivered.get(0).acknowledger().ack();
    delivered.get(1).acknowledger().ack();
    waitFor(() -> server.ackedIds(SUBSCRIPTION).size() == 1);

    // Acks go out in order: once a later message's ack landed, the late one was answered too.
    String later = server.publish(TOPIC, List.of(message("later"))).get(0);
    waitFor(() -> delivered.size() == 3);
    delivered.get(2).acknowledger().ack();
    waitFor(() -> server.ackedIds(SUBSCRIPTION).contains(later));
    assertThat(server.ackedIds(SUBSCRIPTION))
        .containsExactly(delivered.get(0).message().id(), later);
    assertThat(source.ackFailures()).isZero();
  }

  @Test
  void opensTheConfiguredNumberOfPullStreams() throws Exception {
    startSource(settings().withParallelism(3, 2), recording());
    waitFor(() -> server.streamMaxOutstandingMessages(SUBSCRIPTION).size() == 3);
  }

  @Test
  void aPermissionDenialEndsTheSourceWithTheRoleToGrant() throws Exception {
    server.denyAccess(SUBSCRIPTION);
    source = new PubSubMessageSource(settings(), Map.of());
    // The denial comes on the stream: during start, or right after it.
    SourceException failure;
    try {
      source.start(recording());
      failure =
          (SourceException)
              catchThrowable(
                      () -> source.exhausted().toCompletableFuture().get(30, TimeUnit.SECONDS))
                  .getCause();
    } catch (SourceException atStart) {
      failure = atStart;
    }
    assertThat(failure)
        .hasMessage(
            "no permission to pull Pub/Sub subscription "
                + SUBSCRIPTION
                + ": grant roles/pubsub.subscriber on it to the account dcp runs as");
  }

  @Test
  void onExactlyOnceDeliveryARefusedAckIsCounted() throws Exception {
    String eod = "projects/demo/subscriptions/quotes-eod";
    server.createSubscription(eod, TOPIC, 10, true);
    server.publish(TOPIC, List.of(message("once")));
    startSource(PubSubSourceSettings.defaults(eod).withEndpoint(server.endpoint()), recording());
    waitFor(() -> delivered.size() == 1);

    server.expireLeases(eod);
    waitFor(() -> delivered.size() == 2);
    delivered.get(0).acknowledger().ack();

    waitFor(() -> source.ackFailures() == 1);
    delivered.get(1).acknowledger().ack();
    waitFor(() -> server.ackedIds(eod).size() == 1);
    assertThat(source.ackFailures()).isEqualTo(1);
  }

  private PubSubSourceSettings settings() {
    return PubSubSourceSettings.defaults(SUBSCRIPTION).withEndpoint(server.endpoint());
  }

  private void startSource(PubSubSourceSettings settings, MessageReceiver receiver)
      throws SourceException {
    source = new PubSubMessageSource(settings, Map.of());
    source.start(receiver);
  }

  private MessageReceiver recording() {
    return (message, ack) -> delivered.add(new Delivered(message, ack));
  }

  static PubsubMessage message(String text) {
    return PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(text)).build();
  }

  static String text(Message m) {
    return new String(m.data(), StandardCharsets.UTF_8);
  }

  static void waitFor(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("condition not met within 30 s");
      }
      Thread.sleep(10);
    }
  }

  /** Nacks; a message already settled stays as it was. */
  private static void settleQuietly(Acknowledger acknowledger) {
    acknowledger.nack();
  }
}

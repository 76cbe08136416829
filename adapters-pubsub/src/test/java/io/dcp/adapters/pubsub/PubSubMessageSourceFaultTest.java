package io.dcp.adapters.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real Subscriber against the Pub/Sub test server: delivery, settlement, flow control. */
class PubSubMessageSourceTest {
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
  void carriesIdPublishTimeAttributesOrderingKeyAndDeliveryAttempt() throws Exception {
    Instant before = Instant.now();
    List<String> ids =
        server.publish(
            TOPIC,
            List.of(
                PubsubMessage.newBuilder()
                    .setData(ByteString.copyFromUtf8("{\"symbol\":\"AAPL\"}"))
                    .putAttributes("origin", "feed-7")
                    .setOrderingKey("AAPL")
                    .build()));
    startSource(settings(), recording());

    waitFor(() -> delivered.size() == 1);
    Message m = delivered.get(0).message();
    assertThat(m.id()).isEqualTo(ids.get(0));
    assertThat(new String(m.data(), StandardCharsets.UTF_8)).isEqualTo("{\"symbol\":\"AAPL\"}");
    assertThat(m.attributes()).containsExactly(Map.entry("origin", "feed-7"));
    assertThat(m.orderingKey()).isEqualTo("AAPL");
    assertThat(m.deliveryAttempt()).isEqualTo(1);
    assertThat(m.publishTime()).isBetween(before, Instant.now());
  }

  @Test
  void ackRemovesTheMessageAndNackRedeliversIt() throws Exception {
    server.publish(TOPIC, List.of(message("a"), message("b")));
    startSource(
        settings(),
        (message, ack) -> {
          delivered.add(new Delivered(message, ack));
          if (new String(message.data(), StandardCharsets.UTF_8).equals("b")
              && message.deliveryAttempt() == 1) {
            ack.nack();
          } else {
            ack.ack();
          }
        });

    waitFor(() -> server.ackedIds(SUBSCRIPTION).size() == 2);
    assertThat(delivered)
        .extracting(d -> text(d.message()) + "#" + d.message().deliveryAttempt())
        .containsExactlyInAnyOrder("a#1", "b#1", "b#2");
    assertThat(server.backlog(SUBSCRIPTION)).isZero();
    assertThat(server.outstanding(SUBSCRIPTION)).isZero();
  }

  @Test
  void anExpiredAckDeadlineRedeliversWithAttemptTwoAndTheLateAckIsIgnored() throws Exception {
    server.publish(TOPIC, List.of(message("slow")));
    startSource(settings(), recording());
    waitFor(() -> delivered.size() == 1);

    server.expireLeases(SUBSCRIPTION);

    waitFor(() -> delivered.size() == 2);
    assertThat(delivered.get(1).message().deliveryAttempt()).isEqualTo(2);
    assertThat(delivered.get(1).message().id()).isEqualTo(delivered.get(0).message().id());
    delivered.get(0).acknowledger().ack();
    delivered.get(1).acknowledger().ack();
    waitFor(() -> server.ackedIds(SUBSCRIPTION).size() == 1);
    Thread.sleep(300);
    assertThat(server.ackedIds(SUBSCRIPTION)).hasSize(1);
    assertThat(source.ackFailures()).isZero();
  }

  @Test
  void flowControlCapsOutstandingMessagesUntilTheyAreSettled() throws Exception {
    server.publish(TOPIC, IntStream.range(0, 100).mapToObj(i -> message("m" + i)).toList());
    startSource(settings().withMaxOutstanding(10, 1_000_000), recording());

    waitFor(() -> delivered.size() == 10);
    Thread.sleep(300);
    assertThat(delivered).hasSize(10);
    assertThat(server.streamMaxOutstandingMessages(SUBSCRIPTION)).containsExactly(10L);

    while (server.ackedIds(SUBSCRIPTION).size() < 100) {
      List<Delivered> batch = new ArrayList<>(delivered);
      delivered.removeAll(batch);
      batch.forEach(d -> d.acknowledger().ack());
      Thread.sleep(10);
    }
    assertThat(server.peakOutstandingPerStream(SUBSCRIPTION)).isLessThanOrEqualTo(10);
    assertThat(server.ackedIds(SUBSCRIPTION)).doesNotHaveDuplicates().hasSize(100);
  }

  @Test
  void opensTheConfiguredNumberOfPullStreams() throws Exception {
    startSource(settings().withParallelism(3, 2), recording());
    waitFor(() -> server.streamMaxOutstandingMessages(SUBSCRIPTION).size() == 3);
  }

  @Test
  void honoursPubsubEmulatorHost() throws Exception {
    server.publish(TOPIC, List.of(message("via emulator variable")));
    source =
        new PubSubMessageSource(
            PubSubSourceSettings.defaults(SUBSCRIPTION),
            Map.of("PUBSUB_EMULATOR_HOST", server.endpoint()));
    source.start(recording());
    waitFor(() -> delivered.size() == 1);
    assertThat(text(delivered.get(0).message())).isEqualTo("via emulator variable");
  }

  @Test
  void aMissingSubscriptionFailsStartWithTheNameAndTheFix() {
    source =
        new PubSubMessageSource(
            PubSubSourceSettings.defaults("projects/demo/subscriptions/nope")
                .withEndpoint(server.endpoint()),
            Map.of());
    assertThatThrownBy(() -> source.start(recording()))
        .isInstanceOf(SourceException.class)
        .hasMessage(
            "Pub/Sub subscription projects/demo/subscriptions/nope does not exist: create it"
                + " (gcloud pubsub subscriptions create nope --topic=TOPIC) or fix"
                + " source.pubsub.subscription");
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

  @Test
  void stopNacksWhatArrivesAfterwardsSoNothingIsHeldBack() throws Exception {
    server.publish(TOPIC, IntStream.range(0, 50).mapToObj(i -> message("m" + i)).toList());
    startSource(settings().withMaxOutstanding(5, 1_000_000), recording());
    waitFor(() -> delivered.size() == 5);

    source.stop();
    delivered.forEach(d -> d.acknowledger().ack());
    source.close();
    source = null;

    assertThat(server.ackedIds(SUBSCRIPTION)).hasSize(5);
    waitFor(() -> server.outstanding(SUBSCRIPTION) == 0);
    assertThat(server.backlog(SUBSCRIPTION)).isEqualTo(45);
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

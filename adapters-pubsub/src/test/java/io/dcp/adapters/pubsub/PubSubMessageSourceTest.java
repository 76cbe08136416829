package io.dcp.adapters.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.SourceException;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real Subscriber against Google's Pub/Sub emulator: delivery, settlement, flow control,
 * exactly-once acks, stop. What the emulator cannot do (forced lease expiry, denied access, stream
 * counts) is in {@link PubSubMessageSourceFaultTest}.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PubSubMessageSourceTest {
  private final PubSubEmulator emulator;
  private EmulatorResources pubsub;
  private String topic;
  private String subscription;
  private PubSubMessageSource source;
  private final List<Delivered> delivered = new CopyOnWriteArrayList<>();

  record Delivered(Message message, Acknowledger acknowledger) {}

  PubSubMessageSourceTest(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void createTopic() {
    pubsub = new EmulatorResources(emulator.hostPort());
    topic = pubsub.topic("quotes");
    subscription = pubsub.subscription("quotes-dcp", topic);
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    if (source != null) {
      source.stop();
      delivered.forEach(d -> d.acknowledger().nack());
      source.close();
    }
    pubsub.close();
  }

  @Test
  void carriesIdPublishTimeAttributesAndOrderingKeyAndNoAttemptWithoutADeadLetterPolicy()
      throws Exception {
    Instant before = Instant.now().minusSeconds(1);
    List<String> ids =
        pubsub.publish(
            topic,
            List.of(
                PubsubMessage.newBuilder()
                    .setData(ByteString.copyFromUtf8("{\"symbol\":\"AAPL\"}"))
                    .putAttributes("origin", "feed-7")
                    .setOrderingKey("AAPL")
                    .build()));
    startSource(settings(subscription), recording());

    waitFor(() -> delivered.size() == 1);
    Message m = delivered.get(0).message();
    assertThat(m.id()).isEqualTo(ids.get(0));
    assertThat(text(m)).isEqualTo("{\"symbol\":\"AAPL\"}");
    assertThat(m.attributes()).containsExactly(Map.entry("origin", "feed-7"));
    assertThat(m.orderingKey()).isEqualTo("AAPL");
    assertThat(m.deliveryAttempt()).isZero();
    assertThat(m.publishTime()).isBetween(before, Instant.now());
  }

  @Test
  void aDeadLetterPolicyGivesDeliveryAttemptsCountedFromOne() throws Exception {
    String deadLetters = pubsub.topic("quotes-dead");
    String counted = pubsub.subscriptionWithDeadLetters("quotes-counted", topic, deadLetters);
    pubsub.publishTexts(topic, List.of("again"));
    startSource(
        settings(counted),
        (message, ack) -> {
          delivered.add(new Delivered(message, ack));
          if (message.deliveryAttempt() == 1) {
            ack.nack();
          } else {
            ack.ack();
          }
        });

    waitFor(() -> delivered.size() == 2);
    assertThat(delivered).extracting(d -> d.message().deliveryAttempt()).containsExactly(1, 2);
  }

  @Test
  void ackRemovesTheMessageAndNackRedeliversIt() throws Exception {
    pubsub.publishTexts(topic, List.of("a", "b"));
    AtomicInteger nacks = new AtomicInteger();
    startSource(
        settings(subscription),
        (message, ack) -> {
          delivered.add(new Delivered(message, ack));
          if (text(message).equals("b") && nacks.getAndIncrement() == 0) {
            ack.nack();
          } else {
            ack.ack();
          }
        });
    waitFor(() -> delivered.size() == 3);

    // A later message arriving with nothing before it proves a and b were not delivered again.
    pubsub.publishTexts(topic, List.of("later"));
    waitFor(() -> delivered.stream().anyMatch(d -> text(d.message()).equals("later")));
    assertThat(delivered)
        .extracting(d -> text(d.message()))
        .containsExactlyInAnyOrder("a", "b", "b", "later");
  }

  @Test
  void flowControlCapsUnsettledMessagesAndAllArriveOnceSettled() throws Exception {
    pubsub.publishTexts(topic, IntStream.range(0, 100).mapToObj(i -> "m" + i).toList());
    AtomicInteger unsettled = new AtomicInteger();
    AtomicInteger peak = new AtomicInteger();
    startSource(
        settings(subscription).withMaxOutstanding(10, 1_000_000),
        (message, ack) -> {
          peak.accumulateAndGet(unsettled.incrementAndGet(), Math::max);
          delivered.add(new Delivered(message, ack));
        });

    waitFor(() -> delivered.size() == 10);
    int settled = 0;
    while (distinctTexts() < 100) {
      List<Delivered> now = List.copyOf(delivered);
      for (Delivered d : now.subList(settled, now.size())) {
        unsettled.decrementAndGet();
        d.acknowledger().ack();
      }
      settled = now.size();
      int before = settled;
      await()
          .atMost(3, TimeUnit.MINUTES)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> delivered.size() > before || distinctTexts() == 100);
    }
    assertThat(peak.get()).isEqualTo(10);
    assertThat(distinctTexts()).isEqualTo(100);
  }

  @Test
  void onExactlyOnceDeliveryAcksAreConfirmedAndNothingComesBack() throws Exception {
    String eod = pubsub.exactlyOnceSubscription("quotes-eod", topic);
    pubsub.publishTexts(topic, List.of("once"));
    startSource(settings(eod), acking());
    waitFor(() -> delivered.size() == 1);

    pubsub.publishTexts(topic, List.of("later"));
    waitFor(() -> delivered.size() == 2);
    assertThat(delivered).extracting(d -> text(d.message())).containsExactly("once", "later");
    assertThat(source.ackFailures()).isZero();
  }

  @Test
  void honoursPubsubEmulatorHost() throws Exception {
    pubsub.publishTexts(topic, List.of("via emulator variable"));
    source =
        new PubSubMessageSource(
            PubSubSourceSettings.defaults(subscription),
            Map.of("PUBSUB_EMULATOR_HOST", emulator.hostPort()));
    source.start(recording());
    waitFor(() -> delivered.size() == 1);
    assertThat(text(delivered.get(0).message())).isEqualTo("via emulator variable");
  }

  @Test
  void aMissingSubscriptionFailsStartWithTheNameAndTheFix() {
    source = new PubSubMessageSource(settings("projects/local/subscriptions/nope"), Map.of());
    assertThatThrownBy(() -> source.start(recording()))
        .isInstanceOf(SourceException.class)
        .hasMessage(
            "Pub/Sub subscription projects/local/subscriptions/nope does not exist: create it"
                + " (gcloud pubsub subscriptions create nope --topic=TOPIC) or fix"
                + " source.pubsub.subscription");
  }

  @Test
  void whatTheClientHeldAtStopReachesTheNextSubscriber() throws Exception {
    List<String> texts = IntStream.range(0, 50).mapToObj(i -> "m" + i).toList();
    pubsub.publishTexts(topic, texts);
    startSource(settings(subscription).withMaxOutstanding(5, 1_000_000), recording());
    waitFor(() -> delivered.size() == 5);

    source.stop();
    List<Delivered> held = List.copyOf(delivered);
    held.forEach(d -> d.acknowledger().ack());
    source.close();
    delivered.clear();

    // A nack on the closing stream is handed straight back to that stream, so the held messages
    // return when their leases run out. dcp extends leases 10 s at a time (the client's default
    // reaches 60 s); how long the return takes is measured by PubSubHandOverIT and reported in
    // docs/pubsub.md, not asserted here: the emulator can stall a stream for 20 s on its own.
    startSource(settings(subscription), acking());
    await()
        .atMost(3, TimeUnit.MINUTES)
        .pollInterval(Duration.ofMillis(10))
        .until(() -> distinctTexts() == 45);
    assertThat(delivered)
        .extracting(d -> text(d.message()))
        .doesNotContainAnyElementsOf(held.stream().map(d -> text(d.message())).toList());
  }

  private PubSubSourceSettings settings(String name) {
    return PubSubSourceSettings.defaults(name).withEndpoint(emulator.hostPort());
  }

  private void startSource(PubSubSourceSettings settings, MessageReceiver receiver)
      throws SourceException {
    source = new PubSubMessageSource(settings, Map.of());
    source.start(receiver);
  }

  private MessageReceiver recording() {
    return (message, ack) -> delivered.add(new Delivered(message, ack));
  }

  private MessageReceiver acking() {
    return (message, ack) -> {
      delivered.add(new Delivered(message, ack));
      ack.ack();
    };
  }

  private long distinctTexts() {
    return delivered.stream().map(d -> text(d.message())).distinct().count();
  }

  static String text(Message m) {
    return new String(m.data(), StandardCharsets.UTF_8);
  }

  /** Waits up to 3 minutes for {@code condition}: the emulator can stall a stream for 20 s. */
  static void waitFor(BooleanSupplier condition) {
    await()
        .atMost(3, TimeUnit.MINUTES)
        .pollInterval(Duration.ofMillis(10))
        .until(condition::getAsBoolean);
  }
}

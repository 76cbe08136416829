package io.dcp.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dcp.core.model.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The written contract of {@link MessageSource}, as tests: every implementation's test extends this
 * class and says how to make a source and how to hand it messages.
 */
@Timeout(120)
public abstract class MessageSourceContract {
  private static final Duration WAIT = Duration.ofSeconds(60);

  /** Returns a new source, not started, that delivers what {@link #publish} hands its upstream. */
  protected abstract MessageSource newSource() throws Exception;

  /**
   * Hands messages with these payloads to the upstream of {@code source} (a subscription, a file
   * being read, an HTTP client) after it started; may return before they are delivered.
   */
  protected abstract void publish(MessageSource source, List<String> payloads) throws Exception;

  @Test
  void deliversEveryPublishedMessageWithItsPayload() throws Exception {
    Queue<String> received = new ConcurrentLinkedQueue<>();
    try (MessageSource source = newSource()) {
      source.start(
          (message, ack) -> {
            received.add(payload(message));
            ack.ack();
          });
      publish(source, List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));

      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(received)
                      .containsExactlyInAnyOrder("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
      source.stop();
    }
  }

  @Test
  void noReceiveCallIsMadeOrStillRunningAfterStopReturns() throws Exception {
    AtomicBoolean stopReturned = new AtomicBoolean();
    AtomicInteger callsSeenAfterStop = new AtomicInteger();
    CountDownLatch firstInside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Queue<Acknowledger> held = new ConcurrentLinkedQueue<>();
    AtomicInteger calls = new AtomicInteger();
    try (MessageSource source = newSource()) {
      source.start(
          (message, ack) -> {
            if (stopReturned.get()) {
              callsSeenAfterStop.incrementAndGet();
            }
            held.add(ack);
            if (calls.incrementAndGet() == 1) {
              firstInside.countDown();
              release.await(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            if (stopReturned.get()) {
              callsSeenAfterStop.incrementAndGet();
            }
          });
      publish(source, List.of("{\"n\":1}", "{\"n\":2}", "{\"n\":3}"));
      assertThat(firstInside.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

      Thread stopper =
          new Thread(
              () -> {
                source.stop();
                stopReturned.set(true);
              },
              "contract-stopper");
      stopper.start();
      // Either stop() returned while a receive call was still running (the contract is broken), or
      // it is waiting for that call to return.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  stopReturned.get()
                      || EnumSet.of(
                              Thread.State.WAITING,
                              Thread.State.TIMED_WAITING,
                              Thread.State.BLOCKED)
                          .contains(stopper.getState()));
      release.countDown();
      stopper.join(WAIT.toMillis());

      assertThat(stopReturned).isTrue();
      // Messages delivered before the stop may still be settled until close.
      held.forEach(Acknowledger::ack);
    }
    assertThat(callsSeenAfterStop).hasValue(0);
  }

  @Test
  void stopAndCloseAreSafeWhenNothingWasDelivered() throws Exception {
    MessageSource source = newSource();
    source.start((message, ack) -> ack.ack());

    source.stop();
    source.close();
  }

  private static String payload(Message message) {
    return new String(message.data(), StandardCharsets.UTF_8);
  }
}

package io.dcp.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.PipelineMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The messages in flight and how each is settled: room for it is taken from the in-flight limiter
 * (backpressure), it is acked or nacked exactly once, and with a dedup window a redelivery of a
 * committed message is acked at once while a copy of one still in flight goes back.
 *
 * <p>Thread-safe. {@code onRelease} runs after every settlement, for the pipeline to see whether it
 * is done.
 */
final class Settlement {
  private final InFlightLimiter limiter;
  private final Set<PendingMessage> pending = ConcurrentHashMap.newKeySet();
  private final CommittedIds committedIds;
  private final Map<String, PendingMessage> pendingById = new ConcurrentHashMap<>();
  private final PipelineMetrics metrics;
  private final Clock clock;
  private final Runnable onRelease;
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong nacked = new AtomicLong();
  private final AtomicLong duplicatesDropped = new AtomicLong();

  Settlement(PipelineSettings settings, PipelineMetrics metrics, Clock clock, Runnable onRelease) {
    this.limiter = new InFlightLimiter(settings.maxInFlightMessages(), settings.maxInFlightBytes());
    this.committedIds =
        settings.dedupWindowSize() > 0 ? new CommittedIds(settings.dedupWindowSize()) : null;
    this.metrics = requireNonNull(metrics, "metrics");
    this.clock = requireNonNull(clock, "clock");
    this.onRelease = requireNonNull(onRelease, "onRelease");
  }

  /** Lets the metrics read the in-flight gauges. */
  void registerGauges() {
    metrics.registerInFlight(limiter::messages, limiter::bytes);
  }

  /** Acks a redelivery of a message the dedup window saw committed; false when it is not one. */
  boolean dropIfCommitted(Message message, Acknowledger acknowledger) {
    if (committedIds == null || !committedIds.contains(message.id())) {
      return false;
    }
    acknowledger.ack();
    duplicatesDropped.incrementAndGet();
    metrics.duplicateDropped();
    return true;
  }

  /**
   * Takes room for {@code message} (blocking while the pipeline is full) and tracks it; returns
   * null when it was nacked instead: the pipeline is stopping, or a copy of it is in flight.
   */
  PendingMessage admit(Message message, Acknowledger acknowledger) throws InterruptedException {
    if (!limiter.acquire(message.size())) {
      acknowledger.nack(); // the pipeline began stopping while this message waited for room
      return null;
    }
    PendingMessage p = new PendingMessage(message, acknowledger);
    pending.add(p);
    if (committedIds != null && pendingById.putIfAbsent(message.id(), p) != null) {
      // The same message is already in flight: acking this delivery could settle the original
      // before it is committed, so this copy goes back and is dropped once the original lands.
      nack(p);
      return null;
    }
    return p;
  }

  /** Acks {@code p} once; {@code committedRows} when rows of it were committed (latency). */
  void ack(PendingMessage p, boolean committedRows) {
    if (committedIds != null) {
      // Remembered before the ack goes out, so a redelivery racing the ack is dropped.
      committedIds.add(p.message.id());
      pendingById.remove(p.message.id(), p);
    }
    if (!p.settle(true)) {
      return;
    }
    acked.incrementAndGet();
    metrics.acked(1);
    if (committedRows) {
      metrics.endToEndLatency(Duration.between(p.message.publishTime(), Instant.now(clock)));
    }
    release(p);
  }

  /** Nacks {@code p} once, for redelivery. */
  void nack(PendingMessage p) {
    if (!p.settle(false)) {
      return;
    }
    nacked.incrementAndGet();
    metrics.nacked(1);
    release(p);
  }

  /** Nacks every message still in flight. */
  void nackAll() {
    for (PendingMessage p : List.copyOf(pending)) {
      nack(p);
    }
  }

  /** From now on no message is admitted; those waiting for room are nacked. */
  void refuseNew() {
    limiter.refuseNew();
  }

  /** Waits until nothing is in flight; false if {@code timeout} passed first. */
  boolean awaitEmpty(Duration timeout) throws InterruptedException {
    return limiter.awaitEmpty(timeout);
  }

  /** Whether no message is tracked nor holds room. */
  boolean isIdle() {
    return pending.isEmpty() && limiter.messages() == 0;
  }

  int pendingCount() {
    return pending.size();
  }

  long acked() {
    return acked.get();
  }

  long nacked() {
    return nacked.get();
  }

  long duplicatesDropped() {
    return duplicatesDropped.get();
  }

  long inFlightMessages() {
    return limiter.messages();
  }

  long inFlightBytes() {
    return limiter.bytes();
  }

  private void release(PendingMessage p) {
    pending.remove(p);
    if (committedIds != null) {
      pendingById.remove(p.message.id(), p);
    }
    limiter.release(p.message.size());
    onRelease.run();
  }
}

package io.dcp.testing.bigquery;

import io.dcp.core.model.Row;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * The faults a test injects into the fake Storage Write service: stalled, failing and slow appends,
 * rejected rows.
 */
final class WriteFaults {
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger stallNext = new AtomicInteger();
  private volatile long unavailableUntil = System.nanoTime();
  private volatile Duration appendDelay = Duration.ZERO;
  private volatile Predicate<Row> reject = row -> false;
  private volatile String rejectMessage = "";

  void rejectRows(Predicate<Row> predicate, String message) {
    this.rejectMessage = message;
    this.reject = predicate;
  }

  void stallNextAppends(int count) {
    stallNext.set(count);
  }

  void failNextAppends(int count) {
    failNext.set(count);
  }

  void failAppendsFor(Duration outage) {
    unavailableUntil = System.nanoTime() + outage.toNanos();
  }

  void delayAppends(Duration delay) {
    appendDelay = delay;
  }

  /** Whether this append is one of those to stall; counts it. */
  boolean stallsThisAppend() {
    return stallNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  /** Whether this append fails with UNAVAILABLE; counts it against the next failures. */
  boolean failsThisAppend() {
    return failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
        || System.nanoTime() - unavailableUntil < 0;
  }

  /** Waits the configured append delay, if any. */
  void delayAppend() {
    Duration delay = appendDelay;
    if (!delay.isZero()) {
      try {
        Thread.sleep(delay.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether a test asked for {@code row} to be rejected. */
  boolean rejects(Row row) {
    return reject.test(row);
  }

  /** The message of a rejected row. */
  String rejectMessage() {
    return rejectMessage;
  }
}

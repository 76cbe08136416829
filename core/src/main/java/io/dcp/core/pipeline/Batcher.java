package io.dcp.core.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Gathers entries into batches and hands a batch on when it is full by count or bytes, when its
 * first entry has waited {@code maxLatency}, or when input has gone idle: nothing was added for
 * {@code idleLinger} and nothing holds the batch open (a message still on its way to a batch, or no
 * writer free to take it).
 *
 * <p>The idle rule is what lets a lone message (one HTTP request, a quiet subscription) be written
 * at once instead of after {@code maxLatency}, while a steady stream, whose entries arrive closer
 * together than {@code idleLinger}, still fills whole batches; and while every writer is busy the
 * batch keeps growing (group commit) instead of queueing behind them in small pieces.
 */
final class Batcher<E> {
  private final int maxEntries;
  private final long maxBytes;
  private final Duration maxLatency;
  private final Duration idleLinger;
  private final BooleanSupplier heldOpen;
  private final ScheduledExecutorService scheduler;
  private final Consumer<List<E>> flushTarget;
  private List<E> open = new ArrayList<>();
  private long openBytes;
  private long generation;
  private long lastAddNanos;

  /**
   * @param idleLinger how long no entry may arrive before the open batch counts as idle; a linger
   *     not shorter than {@code maxLatency} turns the idle rule off
   * @param heldOpen whether an idle batch must still wait: more input is on its way, or no writer
   *     is free to take it
   */
  Batcher(
      int maxEntries,
      long maxBytes,
      Duration maxLatency,
      Duration idleLinger,
      BooleanSupplier heldOpen,
      ScheduledExecutorService scheduler,
      Consumer<List<E>> flushTarget) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.maxLatency = maxLatency;
    this.idleLinger = idleLinger;
    this.heldOpen = heldOpen;
    this.scheduler = scheduler;
    this.flushTarget = flushTarget;
  }

  void add(E entry, long bytes) {
    addAll(List.of(entry), bytes);
  }

  /** Adds {@code entries} to the same batch, which may grow past its size limit to take them. */
  void addAll(List<E> entries, long bytes) {
    List<E> full = null;
    synchronized (this) {
      lastAddNanos = System.nanoTime();
      if (open.isEmpty()) {
        long scheduledGeneration = generation;
        scheduler.schedule(
            () -> flushIfGeneration(scheduledGeneration),
            maxLatency.toNanos(),
            TimeUnit.NANOSECONDS);
        if (idleLinger.compareTo(maxLatency) < 0) {
          scheduleIdleCheck(scheduledGeneration, idleLinger.toNanos());
        }
      }
      open.addAll(entries);
      openBytes += bytes;
      if (open.size() >= maxEntries || openBytes >= maxBytes) {
        full = take();
      }
    }
    if (full != null) {
      flushTarget.accept(full);
    }
  }

  /** Hands on the open batch now, if it holds anything. */
  void flush() {
    List<E> batch;
    synchronized (this) {
      batch = open.isEmpty() ? null : take();
    }
    if (batch != null) {
      flushTarget.accept(batch);
    }
  }

  private void flushIfGeneration(long expected) {
    List<E> batch = null;
    synchronized (this) {
      if (generation == expected && !open.isEmpty()) {
        batch = take();
      }
    }
    if (batch != null) {
      flushTarget.accept(batch);
    }
  }

  // Called while holding the lock.
  private void scheduleIdleCheck(long expectedGeneration, long delayNanos) {
    scheduler.schedule(() -> flushIfIdle(expectedGeneration), delayNanos, TimeUnit.NANOSECONDS);
  }

  /** Flushes the open batch if nothing was added for {@code idleLinger}; else looks again later. */
  private void flushIfIdle(long expectedGeneration) {
    List<E> batch = null;
    synchronized (this) {
      if (generation != expectedGeneration || open.isEmpty()) {
        return;
      }
      long idleNanos = System.nanoTime() - lastAddNanos;
      if (idleNanos < idleLinger.toNanos()) {
        scheduleIdleCheck(expectedGeneration, idleLinger.toNanos() - idleNanos);
      } else if (heldOpen.getAsBoolean()) {
        scheduleIdleCheck(expectedGeneration, idleLinger.toNanos());
      } else {
        batch = take();
      }
    }
    if (batch != null) {
      flushTarget.accept(batch);
    }
  }

  private List<E> take() {
    List<E> batch = open;
    open = new ArrayList<>();
    openBytes = 0;
    generation++;
    return batch;
  }
}

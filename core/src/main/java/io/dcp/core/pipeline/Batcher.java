package io.dcp.core.pipeline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Gathers entries into batches and hands a batch on when it is full by count or bytes, or when its
 * first entry has waited {@code maxLatency}.
 */
final class Batcher<E> {
  private final int maxEntries;
  private final long maxBytes;
  private final Duration maxLatency;
  private final ScheduledExecutorService scheduler;
  private final Consumer<List<E>> flushTarget;
  private List<E> open = new ArrayList<>();
  private long openBytes;
  private long generation;

  Batcher(
      int maxEntries,
      long maxBytes,
      Duration maxLatency,
      ScheduledExecutorService scheduler,
      Consumer<List<E>> flushTarget) {
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    this.maxLatency = maxLatency;
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
      if (open.isEmpty()) {
        long scheduledGeneration = generation;
        scheduler.schedule(
            () -> flushIfGeneration(scheduledGeneration),
            maxLatency.toNanos(),
            TimeUnit.NANOSECONDS);
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

  private List<E> take() {
    List<E> batch = open;
    open = new ArrayList<>();
    openBytes = 0;
    generation++;
    return batch;
  }
}

package io.dcp.core.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * How the pipeline batches, bounds and retries: the {@code pipeline} section of the config.
 *
 * @param maxBatchRows a batch is written once it holds this many rows
 * @param maxBatchBytes ... or this many payload bytes
 * @param maxBatchLatency ... or once its first row has waited this long
 * @param maxInFlightMessages messages received but not yet acked or nacked, at most; the source
 *     blocks past it
 * @param maxInFlightBytes payload bytes in flight, at most
 * @param writeThreads batches written at the same time, at most
 * @param retry how failed writes are retried
 * @param drainTimeout how long a stop waits for in-flight messages to settle
 * @param dedupWindowSize how many recently committed message ids are remembered to drop
 *     redeliveries; 0 turns deduplication off
 */
public record PipelineSettings(
    int maxBatchRows,
    long maxBatchBytes,
    Duration maxBatchLatency,
    int maxInFlightMessages,
    long maxInFlightBytes,
    int writeThreads,
    RetryPolicy retry,
    Duration drainTimeout,
    int dedupWindowSize) {

  public PipelineSettings {
    requireNonNull(maxBatchLatency, "maxBatchLatency");
    requireNonNull(retry, "retry");
    requireNonNull(drainTimeout, "drainTimeout");
    positive("maxBatchRows", maxBatchRows);
    positive("maxBatchBytes", maxBatchBytes);
    positive("maxInFlightMessages", maxInFlightMessages);
    positive("maxInFlightBytes", maxInFlightBytes);
    positive("writeThreads", writeThreads);
    if (maxBatchLatency.isNegative() || maxBatchLatency.isZero()) {
      throw new IllegalArgumentException("maxBatchLatency must be > 0: " + maxBatchLatency);
    }
    if (drainTimeout.isNegative()) {
      throw new IllegalArgumentException("drainTimeout must be >= 0: " + drainTimeout);
    }
    if (dedupWindowSize < 0) {
      throw new IllegalArgumentException("dedupWindowSize must be >= 0: " + dedupWindowSize);
    }
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be > 0: " + value);
    }
  }

  /**
   * 500 rows, 5 MB or 200 ms per batch; 10,000 messages and 100 MB in flight; 4 writers; the
   * default retry policy; 30 s to drain; no deduplication.
   */
  public static PipelineSettings defaults() {
    return new PipelineSettings(
        500,
        5L * 1024 * 1024,
        Duration.ofMillis(200),
        10_000,
        100L * 1024 * 1024,
        4,
        RetryPolicy.defaults(),
        Duration.ofSeconds(30),
        0);
  }

  public PipelineSettings withBatch(int rows, long bytes, Duration latency) {
    return copy(
        c -> {
          c.maxBatchRows = rows;
          c.maxBatchBytes = bytes;
          c.maxBatchLatency = latency;
        });
  }

  public PipelineSettings withInFlight(int messages, long bytes) {
    return copy(
        c -> {
          c.maxInFlightMessages = messages;
          c.maxInFlightBytes = bytes;
        });
  }

  public PipelineSettings withWriteThreads(int threads) {
    return copy(c -> c.writeThreads = threads);
  }

  public PipelineSettings withRetry(RetryPolicy policy) {
    return copy(c -> c.retry = policy);
  }

  public PipelineSettings withDrainTimeout(Duration timeout) {
    return copy(c -> c.drainTimeout = timeout);
  }

  public PipelineSettings withDedupWindowSize(int size) {
    return copy(c -> c.dedupWindowSize = size);
  }

  /** These settings with what {@code change} sets; the new record validates as any other. */
  private PipelineSettings copy(Consumer<Copy> change) {
    Copy copy = new Copy(this);
    change.accept(copy);
    return copy.build();
  }

  /** A record's components as fields, so that each {@code withX} names only what it changes. */
  private static final class Copy {
    int maxBatchRows;
    long maxBatchBytes;
    Duration maxBatchLatency;
    int maxInFlightMessages;
    long maxInFlightBytes;
    int writeThreads;
    RetryPolicy retry;
    Duration drainTimeout;
    int dedupWindowSize;

    Copy(PipelineSettings from) {
      maxBatchRows = from.maxBatchRows;
      maxBatchBytes = from.maxBatchBytes;
      maxBatchLatency = from.maxBatchLatency;
      maxInFlightMessages = from.maxInFlightMessages;
      maxInFlightBytes = from.maxInFlightBytes;
      writeThreads = from.writeThreads;
      retry = from.retry;
      drainTimeout = from.drainTimeout;
      dedupWindowSize = from.dedupWindowSize;
    }

    PipelineSettings build() {
      return new PipelineSettings(
          maxBatchRows,
          maxBatchBytes,
          maxBatchLatency,
          maxInFlightMessages,
          maxInFlightBytes,
          writeThreads,
          retry,
          drainTimeout,
          dedupWindowSize);
    }
  }
}

package io.dcp.core.config;

import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.RetryPolicy;
import java.time.Duration;

/** Reads the {@code pipeline} section: batching, in-flight bounds, drain and retries. */
final class PipelineSection {
  private PipelineSection() {}

  static PipelineSettings read(ConfigReader r) {
    int problemsBefore = r.problemCount();
    Duration latency = r.duration("pipeline.maxBatchLatency");
    if (!r.hasProblem("pipeline.maxBatchLatency") && (latency.isZero() || latency.isNegative())) {
      r.problem(
          "pipeline.maxBatchLatency",
          "'" + r.string("pipeline.maxBatchLatency") + "' must be longer than 0");
    }
    Duration drain = r.duration("pipeline.drainTimeout");
    if (!r.hasProblem("pipeline.drainTimeout") && drain.isNegative()) {
      r.problem(
          "pipeline.drainTimeout",
          "'" + r.string("pipeline.drainTimeout") + "' must not be negative");
    }
    Duration initial = r.duration("pipeline.retry.initialBackoff");
    Duration max = r.duration("pipeline.retry.maxBackoff");
    if (!r.hasProblem("pipeline.retry.initialBackoff") && initial.isNegative()) {
      r.problem(
          "pipeline.retry.initialBackoff",
          "'" + r.string("pipeline.retry.initialBackoff") + "' must not be negative");
    } else if (!r.hasProblem("pipeline.retry.initialBackoff")
        && !r.hasProblem("pipeline.retry.maxBackoff")
        && max.compareTo(initial) < 0) {
      r.problem(
          "pipeline.retry.maxBackoff",
          "'"
              + r.string("pipeline.retry.maxBackoff")
              + "' is shorter than pipeline.retry.initialBackoff ('"
              + r.string("pipeline.retry.initialBackoff")
              + "')");
    }
    double multiplier = r.number("pipeline.retry.multiplier");
    if (!r.hasProblem("pipeline.retry.multiplier") && !(multiplier >= 1.0)) {
      r.problem(
          "pipeline.retry.multiplier",
          "'" + r.string("pipeline.retry.multiplier") + "' must be at least 1");
    }
    double jitter = r.number("pipeline.retry.jitter");
    if (!r.hasProblem("pipeline.retry.jitter") && !(jitter >= 0.0 && jitter <= 1.0)) {
      r.problem(
          "pipeline.retry.jitter",
          "'" + r.string("pipeline.retry.jitter") + "' must be between 0 and 1");
    }
    int maxBatchRows = r.positiveInt("pipeline.maxBatchRows");
    long maxBatchBytes = r.positiveLong("pipeline.maxBatchBytes");
    int maxInFlightMessages = r.positiveInt("pipeline.maxInFlightMessages");
    long maxInFlightBytes = r.positiveLong("pipeline.maxInFlightBytes");
    int writeThreads = r.positiveInt("pipeline.writeThreads");
    int maxAttempts = r.positiveInt("pipeline.retry.maxAttempts");
    int dedupWindowSize = r.positiveOrZeroInt("pipeline.dedupWindowSize");
    if (r.problemCount() > problemsBefore) {
      return PipelineSettings.defaults();
    }
    try {
      return new PipelineSettings(
          maxBatchRows,
          maxBatchBytes,
          latency,
          maxInFlightMessages,
          maxInFlightBytes,
          writeThreads,
          new RetryPolicy(initial, max, multiplier, jitter, maxAttempts),
          drain,
          dedupWindowSize);
    } catch (IllegalArgumentException e) {
      // Every rule of the settings is checked above under its key; this is the last word.
      r.problem("pipeline", e.getMessage());
      return PipelineSettings.defaults();
    }
  }
}

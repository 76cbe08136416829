package io.dcp.core.pipeline;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How a failed write is retried: exponential backoff with jitter, up to a number of attempts.
 *
 * @param initialBackoff the delay before the second attempt
 * @param maxBackoff the cap on any delay
 * @param multiplier the growth of the delay per attempt, at least 1
 * @param jitter the random fraction (0 to 1) a delay may move up or down, so that workers that
 *     failed together do not retry together
 * @param maxAttempts attempts in all, the first included; past them the messages are nacked
 */
public record RetryPolicy(
    Duration initialBackoff,
    Duration maxBackoff,
    double multiplier,
    double jitter,
    int maxAttempts) {

  public RetryPolicy {
    requireNonNull(initialBackoff, "initialBackoff");
    requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "retry.maxBackoff ("
              + maxBackoff
              + ") must be >= retry.initialBackoff ("
              + initialBackoff
              + ") >= 0");
    }
    if (!(multiplier >= 1.0)) {
      throw new IllegalArgumentException("retry.multiplier must be >= 1: " + multiplier);
    }
    if (!(jitter >= 0.0 && jitter <= 1.0)) {
      throw new IllegalArgumentException("retry.jitter must be between 0 and 1: " + jitter);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry.maxAttempts must be >= 1: " + maxAttempts);
    }
  }

  /** 100 ms, doubling up to 10 s, ±20 % jitter, 8 attempts (about 30 s of retrying). */
  public static RetryPolicy defaults() {
    return new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(10), 2.0, 0.2, 8);
  }

  /** A policy that never retries. */
  public static RetryPolicy none() {
    return new RetryPolicy(Duration.ZERO, Duration.ZERO, 1.0, 0.0, 1);
  }

  /**
   * Returns the delay before attempt {@code attempt + 1}, after {@code attempt} failures (1 for the
   * first failure).
   */
  public Duration delay(int attempt, RandomGenerator random) {
    double base = initialBackoff.toNanos() * Math.pow(multiplier, Math.max(0, attempt - 1));
    double capped = Math.min(base, maxBackoff.toNanos());
    double factor = 1.0 + jitter * (2.0 * random.nextDouble() - 1.0);
    return Duration.ofNanos((long) Math.min(capped * factor, maxBackoff.toNanos()));
  }
}

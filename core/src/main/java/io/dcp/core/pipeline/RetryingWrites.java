package io.dcp.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.TableId;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.SinkException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * Runs sink writes under the {@link RetryPolicy}: a transient failure is retried after its backoff,
 * rescheduled on the timer rather than slept on the writer thread, so during an outage the writers
 * stay free for other batches (another table, the dead letters). Each write ends in exactly one
 * call of its continuation: with the result, or with {@code null} when it gave up (retry budget
 * spent, permanent or fatal failure, pipeline shutting down), and the messages are nacked.
 *
 * <p>Thread-safe.
 */
final class RetryingWrites {
  private static final System.Logger LOG = System.getLogger(RetryingWrites.class.getName());

  /** One attempt at a write. */
  interface Attempt<T> {
    T call() throws SinkException;
  }

  /** What the pipeline does about failures that are not retried. */
  interface Failures {
    /** A failure no retry can mend (the disk is full): the run ends. */
    void fatal(String what, SinkException e);

    /** A permanent failure of one write (missing table, permission denied). */
    void permanent(String what, SinkException e);
  }

  private final RetryPolicy policy;
  private final ScheduledExecutorService timer;
  private final Executor writers;
  private final Failures failures;
  private final PipelineMetrics metrics;
  private final AtomicLong retries = new AtomicLong();

  RetryingWrites(
      RetryPolicy policy,
      ScheduledExecutorService timer,
      Executor writers,
      Failures failures,
      PipelineMetrics metrics) {
    this.policy = requireNonNull(policy, "policy");
    this.timer = requireNonNull(timer, "timer");
    this.writers = requireNonNull(writers, "writers");
    this.failures = requireNonNull(failures, "failures");
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /** Retries scheduled since start. */
  long retries() {
    return retries.get();
  }

  /**
   * Makes the first attempt on the calling thread; retries run on a writer thread once their
   * backoff passed. {@code done} gets the result, or {@code null} when the write gave up.
   */
  <T> void run(Attempt<T> attempt, String what, TableId target, Consumer<T> done) {
    attempt(attempt, what, target, done, 1);
  }

  private <T> void attempt(
      Attempt<T> attempt, String what, TableId target, Consumer<T> done, int number) {
    T result;
    try {
      result = attempt.call();
    } catch (SinkException e) {
      if (e.isFatal()) {
        failures.fatal(what, e);
        done.accept(null);
        return;
      }
      if (!e.isTransient()) {
        failures.permanent(what, e);
        done.accept(null);
        return;
      }
      retryLater(attempt, what, target, done, number, e);
      return;
    } catch (RuntimeException e) {
      // An adapter bug is treated as transient: retrying costs little, dropping costs data.
      retryLater(attempt, what, target, done, number, e);
      return;
    }
    done.accept(result);
  }

  private <T> void retryLater(
      Attempt<T> attempt,
      String what,
      TableId target,
      Consumer<T> done,
      int number,
      Exception failure) {
    if (number >= policy.maxAttempts()) {
      LOG.log(
          Level.WARNING,
          "writing {0} failed {1} times, last: {2}; nacking for redelivery",
          what,
          number,
          failure.toString());
      done.accept(null);
      return;
    }
    retries.incrementAndGet();
    metrics.writeRetried(target);
    Duration delay = policy.delay(number, RandomGenerator.getDefault());
    LOG.log(Level.DEBUG, "writing {0} failed ({1}); retry in {2}", what, failure, delay);
    try {
      timer.schedule(
          () -> {
            try {
              writers.execute(() -> attempt(attempt, what, target, done, number + 1));
            } catch (RejectedExecutionException stopped) {
              done.accept(null);
            }
          },
          delay.toNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopped) {
      // The pipeline is shutting down: no more retries, the messages go back.
      done.accept(null);
    }
  }
}

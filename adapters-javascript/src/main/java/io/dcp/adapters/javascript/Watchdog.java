package io.dcp.adapters.javascript;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.graalvm.polyglot.Context;

/**
 * Cancels an evaluation that runs past its wall-clock time or allocates more than its bytes: one
 * daemon thread polls every running evaluation each {@link #POLL_INTERVAL} and closes the context
 * of one over budget, which stops the guest code wherever it is (a regular expression, a built-in).
 *
 * <p>Allocation is what the evaluating thread allocated since the evaluation began, as HotSpot
 * counts it ({@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes}); an evaluation may
 * overshoot by what it allocates within one poll interval.
 */
final class Watchdog implements AutoCloseable {
  /** How often running evaluations are checked. */
  static final Duration POLL_INTERVAL = Duration.ofMillis(5);

  /** Why an evaluation was cancelled. */
  enum Overrun {
    TIME,
    ALLOCATION
  }

  private static final Object DONE = new Object();

  private final long maxNanos;
  private final long maxAllocatedBytes;
  private final com.sun.management.ThreadMXBean threads;
  private final Set<Evaluation> running = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService poller;

  private Watchdog(long maxNanos, long maxAllocatedBytes, com.sun.management.ThreadMXBean threads) {
    this.maxNanos = maxNanos;
    this.maxAllocatedBytes = maxAllocatedBytes;
    this.threads = threads;
    this.poller =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dcp-javascript-watchdog");
              t.setDaemon(true);
              return t;
            });
    long every = POLL_INTERVAL.toNanos();
    poller.scheduleWithFixedDelay(this::poll, every, every, TimeUnit.NANOSECONDS);
  }

  /**
   * A watchdog for {@code budget}.
   *
   * @throws UnsupportedOperationException when this JVM cannot count a thread's allocated bytes
   */
  static Watchdog start(ScriptBudget budget) {
    if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)
        || !threads.isThreadAllocatedMemorySupported()) {
      throw new UnsupportedOperationException(
          "this JVM cannot count the bytes a thread allocates (HotSpot can)");
    }
    if (!threads.isThreadAllocatedMemoryEnabled()) {
      threads.setThreadAllocatedMemoryEnabled(true);
    }
    return new Watchdog(budget.maxTime().toNanos(), budget.maxAllocatedBytes(), threads);
  }

  /**
   * Starts watching {@code context}, evaluated on the calling thread until {@link Evaluation#end}.
   */
  Evaluation begin(Context context) {
    Thread thread = Thread.currentThread();
    Evaluation evaluation =
        new Evaluation(
            context,
            thread.getId(),
            System.nanoTime(),
            threads.getThreadAllocatedBytes(thread.getId()));
    running.add(evaluation);
    return evaluation;
  }

  private void poll() {
    long now = System.nanoTime();
    for (Evaluation e : running) {
      if (now - e.startNanos > maxNanos) {
        e.cancel(Overrun.TIME);
      } else {
        long allocated = threads.getThreadAllocatedBytes(e.threadId);
        if (allocated >= 0 && allocated - e.startAllocatedBytes > maxAllocatedBytes) {
          e.cancel(Overrun.ALLOCATION);
        }
      }
    }
  }

  @Override
  public void close() {
    poller.shutdownNow();
  }

  /** One call of the UDF being watched. */
  final class Evaluation {
    private final Context context;
    private final long threadId;
    private final long startNanos;
    private final long startAllocatedBytes;
    // null while running; the overrun once cancelled; DONE once ended in time.
    private final AtomicReference<Object> outcome = new AtomicReference<>();

    private Evaluation(Context context, long threadId, long startNanos, long startAllocatedBytes) {
      this.context = requireNonNull(context, "context");
      this.threadId = threadId;
      this.startNanos = startNanos;
      this.startAllocatedBytes = startAllocatedBytes;
    }

    private void cancel(Overrun overrun) {
      if (outcome.compareAndSet(null, overrun)) {
        running.remove(this);
        // Closing with cancellation stops the guest at its next safepoint, also inside a
        // regular expression or a built-in; it returns once the evaluating thread has left.
        try {
          context.close(true);
        } catch (RuntimeException e) {
          // The context was closed already (the call ended as it was cancelled, or the transform
          // closed); the poller must go on watching the others, and end() reports the overrun.
        }
      }
    }

    /**
     * Stops watching; returns the overrun when the watchdog cancelled the evaluation (its context
     * is closed then), or null when it ended within budget.
     */
    Overrun end() {
      running.remove(this);
      if (outcome.compareAndSet(null, DONE)) {
        return null;
      }
      return (Overrun) outcome.get();
    }
  }
}

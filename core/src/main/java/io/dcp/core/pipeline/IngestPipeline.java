package io.dcp.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.SourceException;
import io.dcp.core.routing.Destinations;
import io.dcp.core.schema.TableSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ingest use case: source → map → batch → write → ack, with the delivery contract.
 *
 * <p>A message is acked only after its rows were committed by the row sink, or its dead letter by
 * the dead-letter sink. Transient write failures are retried with backoff; past the retry budget,
 * and on permanent failures, the messages are nacked for redelivery, never dropped. A row the sink
 * rejects dead-letters its message (stage {@code write}, the sink's reason); the message's other
 * rows, already committed, stay. A batch is written when full, when it has waited {@code
 * maxBatchLatency}, or as soon as input goes idle (no new message for a couple of milliseconds and
 * no receive call in progress), so a lone message is not held for the latency. In-flight messages
 * and bytes are bounded: the source blocks when the pipeline is full. A fatal sink failure (its
 * disk is full) ends the run: {@link #finished} completes exceptionally with it, once, and further
 * messages are nacked.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #stop} (or {@link #close}) once.
 */
public final class IngestPipeline implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(IngestPipeline.class.getName());

  private final MessageSource source;
  private final Destinations destinations;
  private final TableId table;
  private final RowSink rowSink;
  private final DeadLetterSink deadLetterSink;
  private final PipelineSettings settings;
  private final PipelineMetrics metrics;
  private final Clock clock;

  private final Settlement settlement;
  private final ScheduledExecutorService scheduler;
  private final ExecutorService writers;
  private final BatchWriting batches;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  // What the first stop found, once it has closed the source and the sinks.
  private final CompletableFuture<Boolean> stopOutcome = new CompletableFuture<>();
  private final AtomicReference<String> lastPermanentFailure = new AtomicReference<>();
  private final AtomicReference<SinkException> fatal = new AtomicReference<>();
  private volatile boolean stopping;
  private volatile boolean exhausted;

  private final AtomicLong received = new AtomicLong();
  // Admitted messages on their way to a batch: while one is, open batches are not idle.
  private final AtomicInteger receiving = new AtomicInteger();
  private final AtomicLong redelivered = new AtomicLong();
  private final RetryingWrites retrying;

  /** A pipeline into one table, mapped with {@code mapper}. */
  public IngestPipeline(
      MessageSource source,
      MessageMapper mapper,
      TableId table,
      TableSchema schema,
      RowSink rowSink,
      DeadLetterSink deadLetterSink,
      PipelineSettings settings,
      PipelineMetrics metrics,
      Clock clock) {
    this(
        source,
        Destinations.single(table, schema, mapper),
        rowSink,
        deadLetterSink,
        settings,
        metrics,
        clock);
  }

  /** A pipeline into the tables of {@code destinations}: routed, evolving, or both. */
  public IngestPipeline(
      MessageSource source,
      Destinations destinations,
      RowSink rowSink,
      DeadLetterSink deadLetterSink,
      PipelineSettings settings,
      PipelineMetrics metrics,
      Clock clock) {
    this.source = requireNonNull(source, "source");
    this.destinations = requireNonNull(destinations, "destinations");
    this.table = destinations.defaultDestination().table();
    this.rowSink = requireNonNull(rowSink, "rowSink");
    this.deadLetterSink = requireNonNull(deadLetterSink, "deadLetterSink");
    this.settings = requireNonNull(settings, "settings");
    this.metrics = requireNonNull(metrics, "metrics");
    this.clock = requireNonNull(clock, "clock");
    this.settlement = new Settlement(settings, metrics, clock, this::completeIfDone);
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("dcp-batch-timer"));
    this.writers = Executors.newFixedThreadPool(settings.writeThreads(), daemon("dcp-writer"));
    this.retrying =
        new RetryingWrites(
            settings.retry(),
            scheduler,
            writers,
            new RetryingWrites.Failures() {
              @Override
              public void fatal(String what, SinkException e) {
                fatalFailure(what, e);
              }

              @Override
              public void permanent(String what, SinkException e) {
                permanentFailure(what, e);
              }
            },
            metrics);
    this.batches =
        new BatchWriting(
            rowSink,
            deadLetterSink,
            settlement,
            retrying,
            settings,
            scheduler,
            writers,
            metrics,
            clock,
            table,
            () -> receiving.get() > 0);
  }

  /**
   * Starts the source; messages flow until {@link #stop}.
   *
   * @throws SourceException if the source cannot start; nothing was received
   */
  public void start() throws SourceException {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("pipeline already started");
    }
    settlement.registerGauges();
    source
        .exhausted()
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                finished.completeExceptionally(error);
                return;
              }
              exhausted = true;
              batches.flush();
              completeIfDone();
            });
    source.start(this::receive);
  }

  /**
   * Completes once a bounded source is exhausted and every message it delivered is settled, or once
   * the pipeline is stopped; completes exceptionally if the source failed for good.
   */
  public CompletionStage<Void> finished() {
    return finished;
  }

  /**
   * Stops intake, writes what is open, waits up to {@code deadline} for in-flight messages to
   * settle, nacks those that did not, and closes the source and the sinks. A call made while
   * another stop is under way returns once that one has closed them (a shutdown hook and the main
   * thread may both stop the pipeline; whatever the caller closes next is no longer written to).
   *
   * @return true when every message settled within the deadline (of the first stop)
   */
  public boolean stop(Duration deadline) {
    if (!stopped.compareAndSet(false, true)) {
      return stopOutcome.join();
    }
    stopping = true;
    settlement.refuseNew();
    source.stop();
    batches.flush();
    boolean drained;
    try {
      drained = settlement.awaitEmpty(deadline);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      drained = false;
    }
    if (!drained) {
      LOG.log(
          Level.WARNING,
          "drain deadline {0} passed with {1} messages unsettled: nacking them for redelivery",
          deadline,
          settlement.pendingCount());
      settlement.nackAll();
    }
    scheduler.shutdownNow();
    writers.shutdownNow();
    try {
      writers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(source);
    closeQuietly(rowSink);
    closeQuietly(deadLetterSink);
    closeQuietly(destinations);
    finished.complete(null);
    stopOutcome.complete(drained);
    return drained;
  }

  /** Stops with the configured drain timeout. */
  @Override
  public void close() {
    stop(settings.drainTimeout());
  }

  /** Whether a bounded source delivered all it had (false after a stop that cut it short). */
  public boolean sourceExhausted() {
    return exhausted;
  }

  /** Returns counts since start. */
  public PipelineStats stats() {
    return new PipelineStats(
        received.get(),
        redelivered.get(),
        batches.rowsWritten(),
        batches.deadLettered(),
        settlement.acked(),
        settlement.nacked(),
        settlement.duplicatesDropped(),
        retrying.retries(),
        settlement.inFlightMessages(),
        settlement.inFlightBytes());
  }

  /** Returns the last permanent sink failure, for readiness checks; empty when none. */
  public Optional<String> lastPermanentFailure() {
    return Optional.ofNullable(lastPermanentFailure.get());
  }

  private void receive(Message message, Acknowledger acknowledger) throws InterruptedException {
    if (stopping || fatal.get() != null) {
      acknowledger.nack();
      return;
    }
    received.incrementAndGet();
    if (message.deliveryAttempt() > 1) {
      redelivered.incrementAndGet();
    }
    metrics.messageReceived(message.size());
    if (settlement.dropIfCommitted(message, acknowledger)) {
      return;
    }
    PendingMessage p = settlement.admit(message, acknowledger);
    if (p == null) {
      return;
    }
    // Counted from admission on: a source waiting for room hands nothing over, so its wait must
    // not keep open batches from going idle.
    receiving.incrementAndGet();
    try {
      route(message, p);
    } finally {
      receiving.decrementAndGet();
    }
  }

  private void route(Message message, PendingMessage p) {
    Destinations.Destination destination;
    try {
      Destinations.Routed routed = destinations.route(message);
      if (routed instanceof Destinations.Routed.Unroutable u) {
        batches.addDeadLetter(
            p, DeadLetter.of(message, Stage.MAP, u.path(), u.reason(), clock.instant()));
        return;
      }
      destination = ((Destinations.Routed.To) routed).destination();
    } catch (SinkException e) {
      LOG.log(Level.WARNING, "no table for message {0} yet: {1}", message.id(), e.getMessage());
      nack(p);
      return;
    }
    MappingResult result = EvolvingMapping.map(destination, message, clock);
    if (result == null) {
      nack(p);
      return;
    }
    if (result instanceof MappingResult.Rejected r) {
      batches.addDeadLetter(p, r.deadLetter());
      return;
    }
    List<Row> rows = ((MappingResult.Mapped) result).rows();
    if (rows.isEmpty()) {
      ack(p, false);
      return;
    }
    batches.addRows(destination, p, rows);
  }

  /** A write that failed for good: no later write can succeed, so the run ends. */
  private void fatalFailure(String what, SinkException e) {
    lastPermanentFailure.set(e.getMessage());
    // The source stops first, so that what is nacked from now on is not redelivered.
    stopping = true;
    settlement.refuseNew();
    source.stop();
    if (fatal.compareAndSet(null, e)) {
      // Once: every write after it fails the same way.
      LOG.log(Level.ERROR, "writing {0} failed for good; stopping: {1}", what, e.getMessage());
      finished.completeExceptionally(e);
    }
  }

  private void permanentFailure(String what, SinkException e) {
    lastPermanentFailure.set(e.getMessage());
    LOG.log(Level.ERROR, "writing " + what + " failed permanently; nacking: " + e.getMessage(), e);
  }

  private void ack(PendingMessage p, boolean committedRows) {
    settlement.ack(p, committedRows);
  }

  private void nack(PendingMessage p) {
    settlement.nack(p);
  }

  private void completeIfDone() {
    if (exhausted && settlement.isIdle()) {
      finished.complete(null);
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "closing " + closeable + " failed", e);
    }
  }

  static String stackTrace(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}

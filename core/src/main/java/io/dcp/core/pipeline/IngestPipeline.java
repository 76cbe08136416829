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
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.SourceException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.TableSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
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
 * rows, already committed, stay. In-flight messages and bytes are bounded: the source blocks when
 * the pipeline is full. A fatal sink failure (its disk is full) ends the run: {@link #finished}
 * completes exceptionally with it, once, and further messages are nacked.
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
  private final Map<Destinations.Destination, Batcher<RowEntry>> rowBatchers =
      new ConcurrentHashMap<>();
  private final Batcher<DeadLetterEntry> deadLetterBatcher;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean stopped = new AtomicBoolean();
  private final AtomicReference<String> lastPermanentFailure = new AtomicReference<>();
  private final AtomicReference<SinkException> fatal = new AtomicReference<>();
  private volatile boolean stopping;
  private volatile boolean exhausted;

  private final AtomicLong received = new AtomicLong();
  private final AtomicLong redelivered = new AtomicLong();
  private final AtomicLong rowsWritten = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();
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
    this.deadLetterBatcher =
        new Batcher<>(
            settings.maxBatchRows(),
            settings.maxBatchBytes(),
            settings.maxBatchLatency(),
            scheduler,
            batch -> writers.execute(() -> writeDeadLetters(batch)));
  }

  private Batcher<RowEntry> rowBatcher(Destinations.Destination destination) {
    return rowBatchers.computeIfAbsent(
        destination,
        d ->
            new Batcher<>(
                settings.maxBatchRows(),
                settings.maxBatchBytes(),
                settings.maxBatchLatency(),
                scheduler,
                batch -> writers.execute(() -> writeRows(d, batch))));
  }

  private void flushRows() {
    rowBatchers.values().forEach(Batcher::flush);
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
              flushRows();
              deadLetterBatcher.flush();
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
   * settle, nacks those that did not, and closes the source and the sinks.
   *
   * @return true when every message settled within the deadline
   */
  public boolean stop(Duration deadline) {
    if (!stopped.compareAndSet(false, true)) {
      return settlement.hasNoPending();
    }
    stopping = true;
    settlement.refuseNew();
    source.stop();
    flushRows();
    deadLetterBatcher.flush();
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
        rowsWritten.get(),
        deadLettered.get(),
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
    Destinations.Destination destination;
    try {
      Destinations.Routed routed = destinations.route(message);
      if (routed instanceof Destinations.Routed.Unroutable u) {
        deadLetterBatcher.add(
            new DeadLetterEntry(
                p, DeadLetter.of(message, Stage.MAP, u.path(), u.reason(), clock.instant())),
            message.size());
        return;
      }
      destination = ((Destinations.Routed.To) routed).destination();
    } catch (SinkException e) {
      LOG.log(Level.WARNING, "no table for message {0} yet: {1}", message.id(), e.getMessage());
      nack(p);
      return;
    }
    MappingResult result = map(destination, message);
    if (result == null) {
      nack(p);
      return;
    }
    if (result instanceof MappingResult.Rejected r) {
      deadLetterBatcher.add(new DeadLetterEntry(p, r.deadLetter()), message.size());
      return;
    }
    List<Row> rows = ((MappingResult.Mapped) result).rows();
    if (rows.isEmpty()) {
      ack(p, false);
      return;
    }
    p.expectRows(rows.size());
    // A message's rows go in one batch, so they commit together (and with its ledger mark).
    List<RowEntry> entries = new ArrayList<>(rows.size());
    for (Row row : rows) {
      entries.add(new RowEntry(p, row));
    }
    rowBatcher(destination).addAll(entries, Math.max(1, message.size()));
  }

  /**
   * Maps {@code message} for its table, adding the columns its new fields need first when the
   * schema evolves; null when that change must be tried again later.
   */
  private MappingResult map(Destinations.Destination destination, Message message) {
    try {
      MappingResult result = destination.map(message);
      if (!(result instanceof MappingResult.NewColumns added)) {
        return result;
      }
      try {
        result = destination.evolve(message, added.columns());
      } catch (SinkException e) {
        if (e.isTransient()) {
          LOG.log(Level.WARNING, "adding columns to {0} failed for now: {1}", destination, e);
          return null;
        }
        return new MappingResult.Rejected(
            DeadLetter.of(
                message,
                Stage.MAP,
                "",
                "schema.evolution could not add columns "
                    + TableSetup.names(added.columns())
                    + " to table "
                    + destination
                    + ": "
                    + e.getMessage(),
                clock.instant()));
      }
      if (result instanceof MappingResult.NewColumns still) {
        return new MappingResult.Rejected(
            DeadLetter.of(
                message,
                Stage.MAP,
                "",
                "fields "
                    + TableSetup.names(still.columns())
                    + " still have no column in table "
                    + destination
                    + " after schema.evolution added them",
                clock.instant()));
      }
      return result;
    } catch (RuntimeException e) {
      // Mappers promise not to throw; if one does, the message is kept, not lost.
      return new MappingResult.Rejected(
          new DeadLetter(
              message,
              Stage.MAP,
              "",
              "unexpected mapping failure: " + e,
              stackTrace(e),
              clock.instant()));
    }
  }

  private void writeRows(Destinations.Destination destination, List<RowEntry> entries) {
    TableId table = destination.table();
    List<Row> rows = new ArrayList<>(entries.size());
    List<String> ids = new ArrayList<>(entries.size());
    long bytes = 0;
    for (RowEntry e : entries) {
      rows.add(e.row());
      ids.add(e.pending().message.id());
    }
    for (RowEntry e : entries) {
      bytes += Math.max(1, e.pending().message.size());
    }
    // The newest schema: rows mapped before a column was added have no value for it.
    WriteBatch batch = new WriteBatch(table, destination.schema(), rows, ids);
    long startNanos = System.nanoTime();
    long batchBytes = bytes;
    retrying.run(
        () -> rowSink.write(batch),
        "rows to " + table,
        table,
        result -> settleRows(table, entries, result, batchBytes, startNanos));
  }

  /** Settles a batch's messages after its write: {@code result} is null when the write gave up. */
  private void settleRows(
      TableId table, List<RowEntry> entries, WriteResult result, long bytes, long startNanos) {
    if (result == null) {
      for (RowEntry e : entries) {
        if (e.pending().rowDone(null, true)) {
          finishRows(e.pending());
        }
      }
      return;
    }
    Map<Integer, String> rejected = new HashMap<>();
    for (RowError error : result.rowErrors()) {
      rejected.put(error.index(), error.reason());
    }
    int written = entries.size() - rejected.size();
    rowsWritten.addAndGet(written);
    metrics.rowsWritten(table, written);
    metrics.batchWritten(table, written, bytes, Duration.ofNanos(System.nanoTime() - startNanos));
    for (int i = 0; i < entries.size(); i++) {
      PendingMessage p = entries.get(i).pending();
      if (p.rowDone(rejected.get(i), false)) {
        finishRows(p);
      }
    }
  }

  private void finishRows(PendingMessage p) {
    if (p.failed()) {
      nack(p);
    } else if (p.rowRejection() != null) {
      DeadLetter letter =
          DeadLetter.of(p.message, Stage.WRITE, "", p.rowRejection(), clock.instant());
      deadLetterBatcher.add(new DeadLetterEntry(p, letter), p.message.size());
    } else {
      ack(p, true);
    }
  }

  private void writeDeadLetters(List<DeadLetterEntry> entries) {
    List<DeadLetter> letters = new ArrayList<>(entries.size());
    for (DeadLetterEntry e : entries) {
      letters.add(e.deadLetter());
    }
    retrying.run(
        () -> {
          deadLetterSink.write(letters);
          return Boolean.TRUE;
        },
        "dead letters",
        table,
        written -> settleDeadLetters(entries, letters, written));
  }

  private void settleDeadLetters(
      List<DeadLetterEntry> entries, List<DeadLetter> letters, Boolean written) {
    if (written == null) {
      entries.forEach(e -> nack(e.pending()));
      return;
    }
    Map<Stage, Integer> byStage = new EnumMap<>(Stage.class);
    for (DeadLetter letter : letters) {
      byStage.merge(letter.stage(), 1, Integer::sum);
    }
    deadLettered.addAndGet(letters.size());
    byStage.forEach(metrics::deadLettered);
    entries.forEach(e -> ack(e.pending(), false));
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

  private record RowEntry(PendingMessage pending, Row row) {}

  private record DeadLetterEntry(PendingMessage pending, DeadLetter deadLetter) {}
}

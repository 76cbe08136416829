package io.dcp.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.routing.Destinations;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Batch writing: rows are gathered per table and dead letters in one batch, each batch written on a
 * writer thread through {@link RetryingWrites}, and its messages settled by what the sink says: a
 * committed row acks, a row the sink rejects becomes a {@code write} dead letter, a write that gave
 * up nacks.
 *
 * <p>A batch is written when it is full, when its first entry has waited {@code maxBatchLatency},
 * or as soon as input goes idle: no entry for {@link #IDLE_LINGER}, no message on its way to a
 * batch, and a writer free (see {@link Batcher}): while all {@code writeThreads} are writing, the
 * next batch grows instead of queueing behind them in small pieces.
 *
 * <p>Thread-safe.
 */
final class BatchWriting {
  /**
   * How long a batch may see no new entry before it is written without waiting for {@code
   * maxBatchLatency}: far longer than the gap between messages of a busy source, far shorter than a
   * latency anyone waits for.
   */
  static final Duration IDLE_LINGER = Duration.ofMillis(2);

  private final RowSink rowSink;
  private final DeadLetterSink deadLetterSink;
  private final Settlement settlement;
  private final RetryingWrites retrying;
  private final PipelineSettings settings;
  private final ScheduledExecutorService timer;
  private final Executor writers;
  private final PipelineMetrics metrics;
  private final Clock clock;
  private final TableId table;
  private final BooleanSupplier heldOpen;
  // Batches handed to the writers and not yet settled (retries included).
  private final AtomicInteger writesInFlight = new AtomicInteger();
  private final Map<Destinations.Destination, Batcher<RowEntry>> rowBatchers =
      new ConcurrentHashMap<>();
  private final Batcher<DeadLetterEntry> deadLetterBatcher;
  private final AtomicLong rowsWritten = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();

  /**
   * {@code table} is the default table, under which dead-letter retries are counted; {@code
   * receiving} says whether the source is inside a receive call (more input may be coming).
   */
  BatchWriting(
      RowSink rowSink,
      DeadLetterSink deadLetterSink,
      Settlement settlement,
      RetryingWrites retrying,
      PipelineSettings settings,
      ScheduledExecutorService timer,
      Executor writers,
      PipelineMetrics metrics,
      Clock clock,
      TableId table,
      BooleanSupplier receiving) {
    this.rowSink = requireNonNull(rowSink, "rowSink");
    this.deadLetterSink = requireNonNull(deadLetterSink, "deadLetterSink");
    this.settlement = requireNonNull(settlement, "settlement");
    this.retrying = requireNonNull(retrying, "retrying");
    this.settings = requireNonNull(settings, "settings");
    this.timer = requireNonNull(timer, "timer");
    this.writers = requireNonNull(writers, "writers");
    this.metrics = requireNonNull(metrics, "metrics");
    this.clock = requireNonNull(clock, "clock");
    this.table = requireNonNull(table, "table");
    requireNonNull(receiving, "receiving");
    this.heldOpen =
        () -> receiving.getAsBoolean() || writesInFlight.get() >= settings.writeThreads();
    this.deadLetterBatcher =
        new Batcher<>(
            settings.maxBatchRows(),
            settings.maxBatchBytes(),
            settings.maxBatchLatency(),
            IDLE_LINGER,
            heldOpen,
            timer,
            batch -> {
              writesInFlight.incrementAndGet();
              writers.execute(() -> writeDeadLetters(batch));
            });
  }

  /** Adds the rows of {@code p} to its table's batch: one batch, so they commit together. */
  void addRows(Destinations.Destination destination, PendingMessage p, List<Row> rows) {
    p.expectRows(rows.size());
    List<RowEntry> entries = new ArrayList<>(rows.size());
    for (Row row : rows) {
      entries.add(new RowEntry(p, row));
    }
    rowBatcher(destination).addAll(entries, Math.max(1, p.message.size()));
  }

  /** Adds the dead letter of {@code p} to the dead-letter batch. */
  void addDeadLetter(PendingMessage p, DeadLetter letter) {
    deadLetterBatcher.add(new DeadLetterEntry(p, letter), p.message.size());
  }

  /** Hands every open batch to the writers. */
  void flush() {
    rowBatchers.values().forEach(Batcher::flush);
    deadLetterBatcher.flush();
  }

  long rowsWritten() {
    return rowsWritten.get();
  }

  long deadLettered() {
    return deadLettered.get();
  }

  private Batcher<RowEntry> rowBatcher(Destinations.Destination destination) {
    return rowBatchers.computeIfAbsent(
        destination,
        d ->
            new Batcher<>(
                settings.maxBatchRows(),
                settings.maxBatchBytes(),
                settings.maxBatchLatency(),
                IDLE_LINGER,
                heldOpen,
                timer,
                batch -> {
                  writesInFlight.incrementAndGet();
                  writers.execute(() -> writeRows(d, batch));
                }));
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
        result -> {
          writesInFlight.decrementAndGet();
          settleRows(table, entries, result, batchBytes, startNanos);
        });
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
      settlement.nack(p);
    } else if (p.rowRejection() != null) {
      DeadLetter letter =
          DeadLetter.of(p.message, Stage.WRITE, "", p.rowRejection(), clock.instant());
      addDeadLetter(p, letter);
    } else {
      settlement.ack(p, true);
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
        written -> {
          writesInFlight.decrementAndGet();
          settleDeadLetters(entries, letters, written);
        });
  }

  private void settleDeadLetters(
      List<DeadLetterEntry> entries, List<DeadLetter> letters, Boolean written) {
    if (written == null) {
      entries.forEach(e -> settlement.nack(e.pending()));
      return;
    }
    Map<Stage, Integer> byStage = new EnumMap<>(Stage.class);
    for (DeadLetter letter : letters) {
      byStage.merge(letter.stage(), 1, Integer::sum);
    }
    deadLettered.addAndGet(letters.size());
    byStage.forEach(metrics::deadLettered);
    entries.forEach(e -> settlement.ack(e.pending(), false));
  }

  private record RowEntry(PendingMessage pending, Row row) {}

  private record DeadLetterEntry(PendingMessage pending, DeadLetter deadLetter) {}
}

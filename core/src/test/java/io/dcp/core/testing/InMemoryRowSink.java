package io.dcp.core.testing;

import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A row sink that keeps committed rows in memory, with switches to inject the failures the pipeline
 * must survive: transient or permanent write failures, rejected rows, a stalled write.
 */
public final class InMemoryRowSink implements RowSink {
  private final Map<TableId, List<Row>> committed = new LinkedHashMap<>();
  private final List<Row> commitLog = new ArrayList<>();
  private final AtomicInteger transientFailures = new AtomicInteger();
  private final AtomicInteger permanentFailures = new AtomicInteger();
  private final AtomicInteger writeCalls = new AtomicInteger();
  private final List<Integer> batchSizes = new ArrayList<>();
  private volatile Runnable onWrite = () -> {};
  private final EventLog events;
  private volatile Function<Row, String> rejector = row -> null;
  private volatile CountDownLatch gate = new CountDownLatch(0);
  private volatile boolean closed;

  /** A sink that records its commits into {@code events}, to check order against acks. */
  private volatile boolean fatal;

  public InMemoryRowSink(EventLog events) {
    this.events = events;
  }

  public InMemoryRowSink() {
    this(new EventLog());
  }

  /** The next {@code n} writes fail with a transient SinkException. */
  public InMemoryRowSink failTransiently(int n) {
    transientFailures.set(n);
    return this;
  }

  /** The next {@code n} writes fail with a permanent SinkException. */
  public InMemoryRowSink failPermanently(int n) {
    permanentFailures.set(n);
    return this;
  }

  /** From now on every write fails with a fatal SinkException (a full disk). */
  public InMemoryRowSink failFatally() {
    fatal = true;
    return this;
  }

  /** Rows for which {@code reason} returns non-null are rejected with that reason. */
  public InMemoryRowSink rejectRows(Function<Row, String> reason) {
    this.rejector = reason;
    return this;
  }

  /** Writes block until {@link #release()}. */
  public InMemoryRowSink block() {
    gate = new CountDownLatch(1);
    return this;
  }

  /** Lets blocked writes go on. */
  public void release() {
    gate.countDown();
  }

  @Override
  public WriteResult write(WriteBatch batch) throws SinkException {
    writeCalls.incrementAndGet();
    onWrite.run();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SinkException.transientFailure("interrupted", e);
    }
    if (transientFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw SinkException.transientFailure("UNAVAILABLE: injected outage", null);
    }
    if (fatal) {
      throw SinkException.fatalFailure("DISK_FULL: no space left on device", null);
    }
    if (permanentFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw SinkException.permanentFailure("NOT_FOUND: table " + batch.table(), null);
    }
    List<RowError> errors = new ArrayList<>();
    synchronized (this) {
      batchSizes.add(batch.rows().size());
      for (int i = 0; i < batch.rows().size(); i++) {
        Row row = batch.rows().get(i);
        String reason = rejector.apply(row);
        if (reason != null) {
          errors.add(new RowError(i, reason));
          continue;
        }
        committed.computeIfAbsent(batch.table(), t -> new ArrayList<>()).add(row);
        commitLog.add(row);
        events.record("commit:" + row.get("id"));
      }
    }
    return new WriteResult(errors);
  }

  /** Rows committed to {@code table}, in commit order. */
  public synchronized List<Row> rows(TableId table) {
    return List.copyOf(committed.getOrDefault(table, List.of()));
  }

  /** Every row committed, in commit order. */
  public synchronized List<Row> rows() {
    return List.copyOf(commitLog);
  }

  /** Runs {@code action} at the start of every write, on the writing thread. */
  public InMemoryRowSink onWrite(Runnable action) {
    this.onWrite = action;
    return this;
  }

  /** Sizes of the batches that reached the commit step, in order. */
  public synchronized List<Integer> batchSizes() {
    return List.copyOf(batchSizes);
  }

  /** How many times {@code write} was called, failures included. */
  public int writeCalls() {
    return writeCalls.get();
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}

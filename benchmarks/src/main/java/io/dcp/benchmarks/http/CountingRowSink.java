package io.dcp.benchmarks.http;

import io.dcp.core.port.RowSink;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import java.util.concurrent.atomic.AtomicLong;

/** A sink that commits nothing and counts batches and rows: the pipeline's cost without storage. */
final class CountingRowSink implements RowSink {
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong rows = new AtomicLong();

  @Override
  public WriteResult write(WriteBatch batch) {
    batches.incrementAndGet();
    rows.addAndGet(batch.rows().size());
    return WriteResult.allWritten();
  }

  long batches() {
    return batches.get();
  }

  long rows() {
    return rows.get();
  }

  @Override
  public void close() {}
}

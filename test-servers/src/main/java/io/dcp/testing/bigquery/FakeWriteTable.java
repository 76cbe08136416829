package io.dcp.testing.bigquery;

import io.dcp.core.model.Row;
import io.dcp.core.schema.TableSchema;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A table of the fake Storage Write service: its schema (with a change that reaches the write path
 * only after a delay, as BigQuery's do), the schema's version, and its committed rows.
 */
final class FakeWriteTable {
  volatile TableSchema schema;
  volatile int version;
  private TableSchema pending;
  private long pendingAt;
  final List<Row> rows = new CopyOnWriteArrayList<>();

  FakeWriteTable(TableSchema schema) {
    this.schema = schema;
  }

  /** Changes the schema to {@code next} once {@code delayNanos} have passed. */
  synchronized void changeSchema(TableSchema next, long delayNanos) {
    pending = next;
    pendingAt = System.nanoTime() + delayNanos;
    settle();
  }

  /** Applies a schema change whose time has come. */
  synchronized FakeWriteTable settle() {
    if (pending != null && System.nanoTime() - pendingAt >= 0) {
      schema = pending;
      pending = null;
      version++;
    }
    return this;
  }
}

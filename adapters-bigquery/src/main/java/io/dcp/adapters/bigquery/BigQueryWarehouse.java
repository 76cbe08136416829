package io.dcp.adapters.bigquery;

import static java.util.Objects.requireNonNull;

import com.google.cloud.bigquery.BigQuery;
import io.dcp.core.model.TableId;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.Warehouse;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import java.time.Clock;

/**
 * A BigQuery project, the cloud warehouse: it opens the Storage Write sink and one REST client, and
 * hands out the row sink, the table admins and the dead-letter stores that share them.
 *
 * <p>The row sink is a {@link StorageWriteRowSink} for existing tables (core's table set-up creates
 * them through a {@link #tableAdmin}); the table admins are {@link BigQueryTableAdmin}s and a
 * dead-letter store is a {@link BigQueryDeadLetterStore} whose ledger rows go through the same row
 * sink. {@link #close} closes the sink's Storage Write streams; from then on everything the
 * warehouse handed out fails with a permanent {@link SinkException} saying so, rather than opening
 * new connections. Thread-safe.
 */
public final class BigQueryWarehouse implements Warehouse {
  private final String project;
  private final BigQuery bigQuery;
  private final StorageWriteRowSink storageWrite;
  private final RowSink rows;
  private final Clock clock;
  private volatile boolean closed;

  private BigQueryWarehouse(BigQueryWarehouseSettings settings, Clock clock) {
    this.project = settings.project();
    this.bigQuery = BigQueryTableAdmin.client(project, settings.restEndpoint());
    this.storageWrite = new StorageWriteRowSink(settings.storageWrite());
    this.rows = new OpenRowSink();
    this.clock = clock;
  }

  /**
   * Opens the warehouse {@code settings} name. Nothing is called yet: the first write opens a
   * table's Storage Write stream, and credentials are checked then.
   */
  public static BigQueryWarehouse open(BigQueryWarehouseSettings settings) {
    return open(settings, Clock.systemUTC());
  }

  /** Opens the warehouse, its dead-letter stores stamping replays with {@code clock}. */
  public static BigQueryWarehouse open(BigQueryWarehouseSettings settings, Clock clock) {
    return new BigQueryWarehouse(
        requireNonNull(settings, "settings"), requireNonNull(clock, "clock"));
  }

  /** Returns the project of this warehouse. */
  public String project() {
    return project;
  }

  /**
   * The Storage Write row sink of this warehouse. Closing it (as the pipeline does) closes its
   * streams and leaves the warehouse open: a later write opens them again.
   */
  @Override
  public RowSink rowSink() {
    return rows;
  }

  /** A table admin over the warehouse's REST client; its {@code close} leaves the client. */
  @Override
  public BigQueryTableAdmin tableAdmin() throws SinkException {
    ensureOpen();
    return new BigQueryTableAdmin(bigQuery, project, this::ensureOpen);
  }

  /**
   * The dead letters of BigQuery table {@code table}; what is replayed is marked in its {@code
   * <table>_replayed} ledger, written through this warehouse's row sink.
   */
  @Override
  public BigQueryDeadLetterStore deadLetterStore(TableId table) throws SinkException {
    ensureOpen();
    return new BigQueryDeadLetterStore(
        bigQuery, project, requireNonNull(table, "table"), rows, clock, this::ensureOpen);
  }

  /** Closes the Storage Write streams; idempotent. The REST client holds no connection. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    storageWrite.close();
  }

  private void ensureOpen() throws SinkException {
    if (closed) {
      throw SinkException.permanentFailure(
          "the BigQuery warehouse of project " + project + " is closed", null);
    }
  }

  /** The Storage Write sink, refusing writes once the warehouse is closed. */
  private final class OpenRowSink implements RowSink {
    @Override
    public WriteResult write(WriteBatch batch) throws SinkException {
      ensureOpen();
      try {
        return storageWrite.write(batch);
      } finally {
        if (closed) {
          // The warehouse closed while this write was under way: close the stream it reopened.
          storageWrite.close();
        }
      }
    }

    @Override
    public void close() {
      storageWrite.close();
    }
  }
}

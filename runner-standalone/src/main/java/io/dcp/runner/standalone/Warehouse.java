package io.dcp.runner.standalone;

import static java.util.Objects.requireNonNull;

import io.dcp.adapters.bigquery.BigQueryWarehouse;
import io.dcp.adapters.bigquery.BigQueryWarehouseSettings;
import io.dcp.adapters.duckdb.DuckDbWarehouse;
import io.dcp.adapters.ndjson.NdjsonProgress;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.config.SinkType;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.SourceException;
import io.dcp.core.port.TableAdmin;

/**
 * The warehouse a config's {@code sink} section names, opened once per command: its row sink, its
 * table admins, its dead-letter stores, whether table set-up creates missing tables without {@code
 * table.create}, and how an NDJSON run resumes. Closing it closes what it opened.
 *
 * <p>Each technology is one {@link io.dcp.core.port.Warehouse}, picked here by {@code sink.kind()}
 * and nowhere else. A DuckDB file is a {@link DuckDbWarehouse}: set-up creates its missing tables,
 * and it records the lines a file run commits. BigQuery is a {@link BigQueryWarehouse}: set-up
 * creates a table only with {@code table.create}, and a file run starts over.
 */
final class Warehouse implements AutoCloseable {
  private final io.dcp.core.port.Warehouse warehouse;
  private final NdjsonProgress progress;

  private Warehouse(io.dcp.core.port.Warehouse warehouse, NdjsonProgress progress) {
    this.warehouse = requireNonNull(warehouse, "warehouse");
    this.progress = requireNonNull(progress, "progress");
  }

  /** Opens the warehouse the config's {@code sink} names: BigQuery, or a DuckDB file. */
  static Warehouse open(DcpConfig config) throws SinkException {
    DcpConfig.Sink sink = config.sink();
    if (!(sink.kind() instanceof SinkType.BigQuery)) {
      return of(DuckDbWarehouse.open(sink.duckdbPath()));
    }
    return new Warehouse(
        BigQueryWarehouse.open(
            BigQueryWarehouseSettings.of(
                sink.bigqueryProject(), sink.bigqueryEndpoint(), sink.bigqueryRestEndpoint())),
        NdjsonProgress.none());
  }

  /** The DuckDB file {@code duckDb}, which this warehouse closes. */
  static Warehouse of(DuckDbWarehouse duckDb) {
    NdjsonProgress progress =
        (input, fingerprint) -> {
          try {
            return duckDb.committedLines(input, fingerprint);
          } catch (SinkException e) {
            throw new SourceException(e.getMessage(), e);
          }
        };
    return new Warehouse(duckDb, progress);
  }

  /** The row sink; closing it (as the pipeline does) leaves the rest of the warehouse open. */
  RowSink rowSink() {
    return warehouse.rowSink();
  }

  /** Opens a table admin, which the caller closes. */
  TableAdmin openTableAdmin() throws SinkException {
    return warehouse.tableAdmin();
  }

  /**
   * Opens the store of the dead letters in dead-letter table {@code table}; the caller closes it.
   */
  DeadLetterStore openDeadLetterStore(TableId table) throws SinkException {
    return warehouse.deadLetterStore(table);
  }

  /**
   * Whether table set-up creates a missing table here even when {@code table.create} is false; see
   * {@link io.dcp.core.port.Warehouse#createsMissingTables}.
   */
  boolean createsMissingTables() {
    return warehouse.createsMissingTables();
  }

  /** How an NDJSON run resumes: the lines this warehouse has committed, or none. */
  NdjsonProgress ndjsonProgress() {
    return progress;
  }

  /** Closes the row sink and the connections; idempotent. */
  @Override
  public void close() {
    warehouse.close();
  }
}

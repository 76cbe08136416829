package io.dcp.runner.standalone;

import static java.util.Objects.requireNonNull;

import io.dcp.adapters.bigquery.BigQuerySinkSection;
import io.dcp.adapters.bigquery.BigQueryWarehouse;
import io.dcp.adapters.duckdb.DuckDbSinkSection;
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
 * table admins, its dead-letter stores, whether core's table set-up prepares tables before rows are
 * written, and how an NDJSON run resumes. Closing it closes what it opened.
 *
 * <p>Each technology is one {@link io.dcp.core.port.Warehouse}, picked here by {@code sink.kind()}
 * and nowhere else. A DuckDB file is a {@link DuckDbWarehouse}: it creates a table on its first
 * write and records the lines a file run commits. BigQuery is a {@link BigQueryWarehouse}: tables
 * are prepared by {@code TableSetup}, and a file run starts over.
 */
final class Warehouse implements AutoCloseable {
  private final io.dcp.core.port.Warehouse warehouse;
  private final boolean preparesTables;
  private final NdjsonProgress progress;

  private Warehouse(
      io.dcp.core.port.Warehouse warehouse, boolean preparesTables, NdjsonProgress progress) {
    this.warehouse = requireNonNull(warehouse, "warehouse");
    this.preparesTables = preparesTables;
    this.progress = requireNonNull(progress, "progress");
  }

  /** Opens the warehouse the config's {@code sink} names: BigQuery, or a DuckDB file. */
  static Warehouse open(DcpConfig config) throws SinkException {
    if (!(config.sink().kind() instanceof SinkType.BigQuery)) {
      return of(
          DuckDbWarehouse.open(config.section(DuckDbSinkSection.INSTANCE).orElseThrow().path()));
    }
    return new Warehouse(
        BigQueryWarehouse.open(config.section(BigQuerySinkSection.INSTANCE).orElseThrow()),
        true,
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
    return new Warehouse(duckDb, false, progress);
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
   * Whether tables are prepared (created, given the schema file's columns) before rows are written;
   * false for a warehouse that creates a table on its first write.
   */
  boolean preparesTables() {
    return preparesTables;
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

package io.dcp.runner.standalone;

import static java.util.Objects.requireNonNull;

import io.dcp.adapters.bigquery.BigQueryTableAdmin;
import io.dcp.adapters.bigquery.StorageWriteRowSink;
import io.dcp.adapters.bigquery.StorageWriteSettings;
import io.dcp.adapters.duckdb.DuckDbWarehouse;
import io.dcp.adapters.ndjson.NdjsonProgress;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.config.SinkType;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.SourceException;
import io.dcp.core.port.TableAdmin;

/**
 * The warehouse a config's {@code sink} section names, opened once per command: its row sink, its
 * table admins, whether core's table set-up prepares tables before rows are written, and how an
 * NDJSON run resumes. Closing it closes what it opened.
 *
 * <p>A DuckDB file is one {@link DuckDbWarehouse}: it creates a table on its first write and
 * records the lines a file run commits. BigQuery is the Storage Write sink plus a REST table admin
 * per caller: tables are prepared by {@code TableSetup}, and a file run starts over.
 */
final class Warehouse implements AutoCloseable {
  private final RowSink rows;
  private final AdminOpener admins;
  private final boolean preparesTables;
  private final NdjsonProgress progress;
  private final Runnable closer;

  private Warehouse(
      RowSink rows,
      AdminOpener admins,
      boolean preparesTables,
      NdjsonProgress progress,
      Runnable closer) {
    this.rows = requireNonNull(rows, "rows");
    this.admins = requireNonNull(admins, "admins");
    this.preparesTables = preparesTables;
    this.progress = requireNonNull(progress, "progress");
    this.closer = requireNonNull(closer, "closer");
  }

  /** Opens the warehouse the config's {@code sink} names: BigQuery, or a DuckDB file. */
  static Warehouse open(DcpConfig config) throws SinkException {
    DcpConfig.Sink sink = config.sink();
    if (!(sink.kind() instanceof SinkType.BigQuery)) {
      return of(DuckDbWarehouse.open(sink.duckdbPath()));
    }
    StorageWriteSettings settings = StorageWriteSettings.defaults(sink.bigqueryProject());
    StorageWriteRowSink rows =
        new StorageWriteRowSink(
            sink.bigqueryEndpoint().isEmpty()
                ? settings
                : settings.withEndpoint(sink.bigqueryEndpoint()));
    return new Warehouse(
        rows,
        () -> BigQueryTableAdmin.connect(sink.bigqueryProject(), sink.bigqueryRestEndpoint()),
        true,
        NdjsonProgress.none(),
        rows::close);
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
    return new Warehouse(duckDb.rowSink(), duckDb::tableAdmin, false, progress, duckDb::close);
  }

  /** The row sink; closing it (as the pipeline does) leaves the rest of the warehouse open. */
  RowSink rowSink() {
    return rows;
  }

  /** Opens a table admin, which the caller closes. */
  TableAdmin openTableAdmin() throws SinkException {
    return admins.open();
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
    closer.run();
  }

  /** Opens a table admin of the warehouse. */
  private interface AdminOpener {
    TableAdmin open() throws SinkException;
  }
}

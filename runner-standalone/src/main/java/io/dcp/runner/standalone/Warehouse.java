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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

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

  /** The DuckDB file of a local warehouse, which {@code dcp query} reads; empty for BigQuery. */
  private final Optional<String> localFile;

  private Warehouse(
      io.dcp.core.port.Warehouse warehouse, NdjsonProgress progress, Optional<String> localFile) {
    this.warehouse = requireNonNull(warehouse, "warehouse");
    this.progress = requireNonNull(progress, "progress");
    this.localFile = requireNonNull(localFile, "localFile");
  }

  /** Opens the warehouse the config's {@code sink} names: BigQuery, or a DuckDB file. */
  static Warehouse open(DcpConfig config) throws SinkException {
    if (!(config.sink().kind() instanceof SinkType.BigQuery)) {
      return of(
          DuckDbWarehouse.open(config.section(DuckDbSinkSection.INSTANCE).orElseThrow().path()));
    }
    return new Warehouse(
        BigQueryWarehouse.open(config.section(BigQuerySinkSection.INSTANCE).orElseThrow()),
        NdjsonProgress.none(),
        Optional.empty());
  }

  /**
   * Why the warehouse the config names holds no dead letters to replay, found without opening it: a
   * DuckDB file that does not exist (opening it would create an empty one). Empty otherwise.
   */
  static Optional<String> nothingToReplay(DcpConfig config) {
    if (config.sink().kind() instanceof SinkType.BigQuery) {
      return Optional.empty();
    }
    String path = config.section(DuckDbSinkSection.INSTANCE).orElseThrow().path();
    if (":memory:".equals(path) || Files.isRegularFile(Path.of(path))) {
      return Optional.empty();
    }
    return Optional.of(
        "sink.duckdb.path: no DuckDB file "
            + path
            + ", so no dead letters to replay: check the path (replay never creates one)");
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
    return new Warehouse(duckDb, progress, Optional.of(duckDb.location()));
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

  /**
   * Where the rows of table {@code tableId} are, for a run's summary: {@code table quotes of
   * dcp.duckdb} (a local warehouse keeps only the table name of a dataset.table id), or {@code
   * BigQuery table project.dataset.table}.
   */
  String rowsAt(String tableId) {
    return localFile
        .map(file -> "table " + TableId.parse(tableId).table() + " of " + file)
        .orElse("BigQuery table " + tableId);
  }

  /** The {@code dcp query} command that shows rows of table {@code tableId}: local files only. */
  Optional<String> queryCommand(String tableId) {
    return localFile.map(
        file ->
            "java -jar runner-standalone/target/dcp.jar query "
                + file
                + " \"SELECT * FROM "
                + TableId.parse(tableId).table()
                + " LIMIT 10\"");
  }

  /** Whether an NDJSON run resumes where the last commit ended, rather than start over. */
  boolean resumesFiles() {
    return localFile.isPresent();
  }

  /** Closes the row sink and the connections; idempotent. */
  @Override
  public void close() {
    warehouse.close();
  }
}

package io.dcp.core.port;

import io.dcp.core.model.TableId;

/**
 * One warehouse (a DuckDB file, a BigQuery project): the single object that hands out what writes
 * to it and reads from it, and closes all of it.
 *
 * <p>Lifecycle: opened once per command by the runner, which asks it for the {@linkplain #rowSink
 * row sink}, a {@linkplain #tableAdmin table admin} for table set-up and evolution, and, to replay,
 * the {@linkplain #deadLetterStore dead-letter store} of a table; then {@link #close} closes what
 * the warehouse opened. Closing a piece it handed out (as the pipeline closes its row sink) leaves
 * the warehouse open. After {@link #close}, writing, reading or changing tables through what it
 * handed out, or hands out then, fails with a permanent {@link SinkException} that says the
 * warehouse is closed.
 *
 * <p>Tables are created by core's table set-up ({@code TableSetup}) through the {@linkplain
 * #tableAdmin table admin}, before the first row is written, and by nothing else: the row sink
 * writes only to tables that exist, and a write to a missing one fails with a permanent {@link
 * SinkException} that names it. Whether set-up may create a missing table is the config's {@code
 * table.create}, or {@linkplain #createsMissingTables this warehouse's own answer}.
 *
 * <p>Thread-safe: pieces may be asked for and used from several threads.
 */
public interface Warehouse extends AutoCloseable {

  /**
   * Whether table set-up creates a missing table in this warehouse even when {@code table.create}
   * is false: true for a warehouse that is the user's own scratch space (an embedded database
   * file), false (the default) for a shared one, where creating a table is an opt-in.
   */
  default boolean createsMissingTables() {
    return false;
  }

  /** Returns the row sink of this warehouse, one per warehouse. */
  RowSink rowSink();

  /**
   * Returns a table admin of this warehouse, which reads and changes its tables; closing it leaves
   * the warehouse open.
   */
  TableAdmin tableAdmin() throws SinkException;

  /**
   * Returns the store of the dead letters in dead-letter table {@code table}, to read back and
   * remove when they are replayed; the caller closes it.
   */
  DeadLetterStore deadLetterStore(TableId table) throws SinkException;

  /** Closes what this warehouse opened; a second call does nothing. */
  @Override
  void close();
}

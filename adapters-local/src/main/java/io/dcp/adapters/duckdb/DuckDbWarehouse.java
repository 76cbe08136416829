package io.dcp.adapters.duckdb;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.BitSet;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded DuckDB database file, the local warehouse: it owns the one connection and hands out
 * the row sink, table admins and dead-letter stores that share it, and keeps the lines an NDJSON
 * run committed so that a rerun resumes.
 *
 * <p>Every piece works on the connection under this warehouse's lock, so writes, table changes and
 * dead-letter reads never interleave (DuckDB has a single writer). Once the disk is full every
 * later call fails alike, with the first failure. {@link #close} closes the connection; what was
 * handed out stops working with it.
 */
public final class DuckDbWarehouse implements Warehouse {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbWarehouse.class);

  /** DuckDB's memory limit for a database file; see {@link #settings}. */
  static final String MEMORY_LIMIT = "64MB";

  private final String location;
  private final Connection connection;
  private final DuckDbLineLedger lines;
  private final DuckDbRowSink rows;
  private boolean closed;
  private volatile SinkException fatal;

  private DuckDbWarehouse(String location, Connection connection) {
    this.location = location;
    this.connection = connection;
    this.lines = new DuckDbLineLedger();
    this.rows = new DuckDbRowSink(this, lines);
  }

  /**
   * Opens (or creates) the DuckDB database file at {@code path}; {@code :memory:} opens an
   * in-memory database.
   *
   * @throws SinkException naming the file and the fix when it cannot be opened
   */
  public static DuckDbWarehouse open(String path) throws SinkException {
    requireNonNull(path, "path");
    String url = ":memory:".equals(path) ? "jdbc:duckdb:" : "jdbc:duckdb:" + path;
    try {
      Path parent = Path.of(path).toAbsolutePath().getParent();
      if (!":memory:".equals(path) && parent != null) {
        Files.createDirectories(parent);
      }
      Connection connection = DriverManager.getConnection(url);
      configure(connection, path);
      connection.setAutoCommit(false);
      return new DuckDbWarehouse(path, connection);
    } catch (IOException e) {
      throw SinkException.permanentFailure(
          "cannot create the directory of DuckDB file " + path + ": " + e.getMessage(), e);
    } catch (SQLException e) {
      String hint =
          e.getMessage() != null && e.getMessage().contains("lock")
              ? "another process holds the DuckDB file; stop it or choose another sink.duckdb.path"
              : "check that the directory exists and is writable";
      throw SinkException.permanentFailure(
          "cannot open DuckDB file " + path + ": " + e.getMessage() + " (" + hint + ")", e);
    }
  }

  /**
   * DuckDB's own settings for a database file. Its default memory limit is 80 % of the machine's
   * memory, which it fills with cached blocks of the tables the sink appends to: native memory,
   * outside any {@code -Xmx}. The sink only appends, so a small cache costs it nothing; past the
   * limit DuckDB evicts blocks (they are in the file) and spills a large query to {@code
   * <file>.tmp} instead of failing. An in-memory database keeps DuckDB's default: its tables live
   * in that memory.
   */
  private static void configure(Connection connection, String path) throws SQLException {
    if (":memory:".equals(path)) {
      return;
    }
    // Set once open, not as a connection property: DuckDB refuses a second connection to an open
    // file whose properties differ (a `dcp query` or a test reading the file in the same JVM).
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET memory_limit = '" + MEMORY_LIMIT + "'");
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
  }

  /** Returns where the database lives, as given to {@link #open}. */
  public String location() {
    return location;
  }

  /**
   * True: a DuckDB file is the user's own scratch warehouse, so table set-up creates a missing
   * table in it without {@code table.create} (a first run into a new file just works).
   */
  @Override
  public boolean createsMissingTables() {
    return true;
  }

  /**
   * The row sink of this database, one per warehouse: it writes to tables that exist (table set-up
   * creates them through {@link #tableAdmin}). Closing the sink leaves the connection open; {@link
   * #close} closes it.
   */
  @Override
  public RowSink rowSink() {
    return rows;
  }

  /** Reads and changes the tables of this database; its {@code close} leaves the connection. */
  @Override
  public TableAdmin tableAdmin() {
    return new DuckDbTableAdmin(this);
  }

  /** The dead letters of {@code table} in this database, to read back and remove. */
  @Override
  public DeadLetterStore deadLetterStore(TableId table) {
    return new DuckDbDeadLetterStore(this, requireNonNull(table, "table"));
  }

  /**
   * Starts tracking the NDJSON input {@code input} (a message id is {@code input:line}): from now
   * on the line of every message of it whose rows or dead letter the row sink commits is recorded
   * in the same transaction. Returns the lines committed so far, so that a rerun skips them; none
   * when the file's {@code fingerprint} differs from the one recorded (a new file under an old
   * name), whose old lines are forgotten.
   */
  public BitSet committedLines(String input, String fingerprint) throws SinkException {
    requireNonNull(input, "input");
    requireNonNull(fingerprint, "fingerprint");
    return withConnection(
        "reading the committed lines of " + input,
        c -> lines.committedLines(c, input, fingerprint));
  }

  /** Work on this database's connection. */
  interface ConnectionWork<T> {
    T apply(Connection connection) throws SQLException, SinkException;
  }

  /**
   * Runs {@code work} on the connection, under the warehouse's lock; rolls back when it throws an
   * {@link SQLException}, which becomes a permanent failure (or the fatal one, disk full).
   *
   * @param what what the work does, for the error message
   */
  synchronized <T> T withConnection(String what, ConnectionWork<T> work) throws SinkException {
    if (closed) {
      throw SinkException.permanentFailure("the DuckDB database " + location + " is closed", null);
    }
    if (fatal != null) {
      throw fatal;
    }
    try {
      return work.apply(connection);
    } catch (SQLException e) {
      rollback();
      if (isFatal(e)) {
        throw fatal(e);
      }
      throw SinkException.permanentFailure(
          what + " in " + location + " failed: " + firstLine(e.getMessage()), e);
    }
  }

  /** Tells the row sink that a table's columns changed, so that it reads them again. */
  void tablesChanged() {
    rows.forgetTables();
  }

  /** Whether DuckDB can write nothing more: its disk is full or the database was invalidated. */
  static boolean isFatal(SQLException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    return message.contains("no space left on device")
        || message.contains("disk quota exceeded")
        || message.contains("database has been invalidated");
  }

  /** The failure every later call gets once {@code e} left DuckDB unable to write. */
  SinkException fatal(SQLException e) {
    if (fatal != null) {
      return fatal;
    }
    fatal =
        SinkException.fatalFailure(
            "DuckDB file "
                + location
                + " cannot be written: "
                + firstLine(e.getMessage())
                + ". Free space on its disk (or move sink.duckdb.path), then run the same command"
                + " again: what was committed stays, and a file run resumes after it",
            e);
    return fatal;
  }

  /** The failure every call gets since DuckDB became unable to write, or null while it can. */
  SinkException fatalFailure() {
    return fatal;
  }

  /** Rolls back the open transaction, if there is one. */
  void rollback() {
    try {
      connection.rollback();
    } catch (SQLException e) {
      // After a failed commit there is no transaction left to roll back.
      LOG.debug("DuckDB rollback failed: {}", e.getMessage());
    }
  }

  static String firstLine(String message) {
    if (message == null) {
      return "unknown DuckDB error";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }

  /** Closes the row sink's statements, the ledger's and the connection; idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    rows.close();
    lines.close();
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("closing DuckDB {} failed: {}", location, e.getMessage());
    }
  }
}

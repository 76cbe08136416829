package io.dcp.adapters.duckdb;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows into tables of an embedded DuckDB database file: the local warehouse.
 *
 * <p>A table is created from the batch's schema the first time it is written (BigQuery types mapped
 * as {@link DuckDbTypes} says); an existing table must have every column of the schema. Each batch
 * is one transaction, committed before {@link #write} returns. If DuckDB refuses the batch, the
 * rows are retried one by one in a new transaction so that exactly the rows DuckDB rejects are
 * reported, with its message, and the others are committed. Writes are serialised: DuckDB has a
 * single writer.
 */
public final class DuckDbRowSink implements RowSink {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbRowSink.class);
  static final String FILES = "_dcp_ndjson_files";
  static final String LINES = "_dcp_ndjson_lines";

  private final String location;
  private final Connection connection;
  private final Map<TableKey, Insert> inserts = new HashMap<>();
  private final Set<String> resumedInputs = ConcurrentHashMap.newKeySet();
  private boolean closed;
  // Once the disk is full every later write fails alike: they all get the first failure.
  private volatile SinkException fatal;
  private PreparedStatement rangeInsert;

  private DuckDbRowSink(String location, Connection connection) {
    this.location = location;
    this.connection = connection;
  }

  /**
   * Opens (or creates) the DuckDB database file at {@code path}; {@code :memory:} opens an
   * in-memory database.
   *
   * @throws SinkException naming the file and the fix when it cannot be opened
   */
  public static DuckDbRowSink open(String path) throws SinkException {
    requireNonNull(path, "path");
    String url = ":memory:".equals(path) ? "jdbc:duckdb:" : "jdbc:duckdb:" + path;
    try {
      Path parent = Path.of(path).toAbsolutePath().getParent();
      if (!":memory:".equals(path) && parent != null) {
        Files.createDirectories(parent);
      }
      Connection connection = DriverManager.getConnection(url);
      connection.setAutoCommit(false);
      return new DuckDbRowSink(path, connection);
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

  /** Returns where the database lives, as given to {@link #open}. */
  public String location() {
    return location;
  }

  /** The dead letters of {@code table} in this database, to read back and remove. */
  public DeadLetterStore deadLetterStore(TableId table) {
    return new DuckDbDeadLetterStore(this, table);
  }

  /**
   * Starts tracking the NDJSON input {@code input} (a message id is {@code input:line}): from now
   * on the line of every message of it whose rows or dead letter this sink commits is recorded in
   * the same transaction, in table {@value #LINES}. Returns the lines committed so far, so that a
   * rerun skips them; none when the file's {@code fingerprint} differs from the one recorded (a new
   * file under an old name), whose old lines are forgotten.
   */
  public BitSet committedLines(String input, String fingerprint) throws SinkException {
    requireNonNull(input, "input");
    requireNonNull(fingerprint, "fingerprint");
    BitSet lines =
        withConnection(
            "reading the committed lines of " + input,
            c -> {
              try (Statement statement = c.createStatement()) {
                statement.execute(
                    "CREATE TABLE IF NOT EXISTS "
                        + FILES
                        + " (input VARCHAR PRIMARY KEY, fingerprint VARCHAR NOT NULL)");
                statement.execute(
                    "CREATE TABLE IF NOT EXISTS "
                        + LINES
                        + " (input VARCHAR NOT NULL, first_line BIGINT NOT NULL,"
                        + " last_line BIGINT NOT NULL)");
              }
              String known = null;
              try (PreparedStatement select =
                  c.prepareStatement("SELECT fingerprint FROM " + FILES + " WHERE input = ?")) {
                select.setString(1, input);
                try (ResultSet rs = select.executeQuery()) {
                  if (rs.next()) {
                    known = rs.getString(1);
                  }
                }
              }
              BitSet committed = new BitSet();
              if (fingerprint.equals(known)) {
                try (PreparedStatement select =
                    c.prepareStatement(
                        "SELECT first_line, last_line FROM " + LINES + " WHERE input = ?")) {
                  select.setString(1, input);
                  try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                      committed.set(
                          Math.toIntExact(rs.getLong(1)), Math.toIntExact(rs.getLong(2)) + 1);
                    }
                  }
                }
              } else {
                try (PreparedStatement forget =
                        c.prepareStatement("DELETE FROM " + LINES + " WHERE input = ?");
                    PreparedStatement remember =
                        c.prepareStatement("INSERT OR REPLACE INTO " + FILES + " VALUES (?, ?)")) {
                  forget.setString(1, input);
                  forget.executeUpdate();
                  remember.setString(1, input);
                  remember.setString(2, fingerprint);
                  remember.executeUpdate();
                }
              }
              c.commit();
              return committed;
            });
    resumedInputs.add(input);
    return lines;
  }

  /**
   * Records, in the open transaction, the lines of tracked inputs among {@code messageIds}: one row
   * per run of consecutive lines, so a batch of a file costs about one row.
   */
  private void recordLines(List<String> messageIds) throws SQLException {
    if (resumedInputs.isEmpty() || messageIds.isEmpty()) {
      return;
    }
    String input = null;
    long first = -1;
    long last = -1;
    for (String id : messageIds) {
      int colon = id.lastIndexOf(':');
      if (colon <= 0 || !resumedInputs.contains(id.substring(0, colon))) {
        continue;
      }
      long line;
      try {
        line = Long.parseLong(id.substring(colon + 1));
      } catch (NumberFormatException notALine) {
        continue;
      }
      String name = id.substring(0, colon);
      if (name.equals(input) && (line == last || line == last + 1)) {
        last = line;
        continue;
      }
      if (input != null) {
        insertRange(input, first, last);
      }
      input = name;
      first = line;
      last = line;
    }
    if (input != null) {
      insertRange(input, first, last);
    }
  }

  private void insertRange(String input, long first, long last) throws SQLException {
    if (rangeInsert == null) {
      rangeInsert = connection.prepareStatement("INSERT INTO " + LINES + " VALUES (?, ?, ?)");
    }
    try {
      rangeInsert.setString(1, input);
      rangeInsert.setLong(2, first);
      rangeInsert.setLong(3, last);
      rangeInsert.executeUpdate();
    } catch (SQLException e) {
      // DuckDB closes a statement whose execution failed.
      rangeInsert = null;
      throw e;
    }
  }

  /** Work on this sink's connection. */
  interface ConnectionWork<T> {
    T apply(Connection connection) throws SQLException;
  }

  /** Reads and changes the tables of this database, on the sink's connection. */
  public TableAdmin tableAdmin() {
    return new DuckDbTableAdmin(this);
  }

  /**
   * Runs {@code work} on the connection, under the sink's lock; rolls back on failure.
   *
   * @param what what the work does, for the error message
   */
  synchronized <T> T withConnection(String what, ConnectionWork<T> work) throws SinkException {
    if (closed) {
      throw SinkException.permanentFailure("the DuckDB sink for " + location + " is closed", null);
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

  @Override
  public synchronized WriteResult write(WriteBatch batch) throws SinkException {
    if (closed) {
      throw SinkException.permanentFailure("the DuckDB sink for " + location + " is closed", null);
    }
    if (fatal != null) {
      throw fatal;
    }
    Insert insert = prepare(batch.table(), batch.schema());
    try {
      // One multi-row INSERT per batch: DuckDB's JDBC executeBatch runs row by row.
      PreparedStatement statement = insert.statement(batch.rows().size());
      int offset = 0;
      for (Row row : batch.rows()) {
        insert.bind(statement, offset, row);
        offset += insert.columns();
      }
      statement.executeUpdate();
      recordLines(batch.messageIds());
      connection.commit();
      return WriteResult.allWritten();
    } catch (SQLException batchFailure) {
      rollback();
      insert.reset();
      if (isFatal(batchFailure)) {
        throw fatal(batchFailure);
      }
      LOG.debug(
          "batch insert into {} failed, retrying row by row: {}",
          batch.table(),
          batchFailure.getMessage());
      return writeRowByRow(insert, batch);
    }
  }

  /**
   * Writes each row in a transaction of its own, so that a row DuckDB refuses (a NOT NULL
   * violation, say) is reported with DuckDB's message and the others are committed. Only taken when
   * a whole batch failed.
   */
  private WriteResult writeRowByRow(Insert insert, WriteBatch batch) throws SinkException {
    List<RowError> errors = new ArrayList<>();
    List<String> ids = batch.messageIds();
    boolean messageFailed = false;
    for (int i = 0; i < batch.rows().size(); i++) {
      boolean firstOfMessage = ids.isEmpty() || i == 0 || !ids.get(i).equals(ids.get(i - 1));
      boolean lastOfMessage =
          !ids.isEmpty() && (i == ids.size() - 1 || !ids.get(i).equals(ids.get(i + 1)));
      if (firstOfMessage) {
        messageFailed = false;
      }
      try {
        PreparedStatement statement = insert.statement(1);
        insert.bind(statement, 0, batch.rows().get(i));
        statement.executeUpdate();
        if (lastOfMessage && !messageFailed) {
          // A message with a refused row is recorded with its dead letter instead.
          recordLines(List.of(ids.get(i)));
        }
        connection.commit();
      } catch (SQLException rowFailure) {
        rollback();
        // DuckDB closes a statement whose execution failed.
        insert.reset();
        if (isFatal(rowFailure)) {
          // Rows committed before it stay committed; the rest of the batch is not written.
          throw fatal(rowFailure);
        }
        messageFailed = true;
        errors.add(new RowError(i, firstLine(rowFailure.getMessage())));
      }
    }
    return new WriteResult(errors);
  }

  private Insert prepare(TableId table, TableSchema schema) throws SinkException {
    TableKey key = new TableKey(table, schema);
    Insert insert = inserts.get(key);
    if (insert != null) {
      return insert;
    }
    String name = DuckDbTypes.quote(table.table());
    try (Statement statement = connection.createStatement()) {
      statement.execute(DuckDbTypes.createTable(table, schema));
      connection.commit();
      checkColumns(table, schema);
      String sql =
          "INSERT INTO "
              + name
              + " ("
              + schema.fields().stream()
                  .map(f -> DuckDbTypes.quote(f.name()))
                  .collect(Collectors.joining(", "))
              + ") VALUES ";
      String tuple =
          "("
              + schema.fields().stream()
                  .map(
                      f ->
                          DuckDbTypes.boundAsJson(f)
                              ? "CAST(CAST(? AS JSON) AS " + DuckDbTypes.columnType(f) + ")"
                              : "?")
                  .collect(Collectors.joining(", "))
              + ")";
      insert = new Insert(schema, connection, sql, tuple);
      inserts.put(key, insert);
      return insert;
    } catch (SQLException e) {
      rollback();
      throw classify(table, e);
    }
  }

  private void checkColumns(TableId table, TableSchema schema) throws SQLException, SinkException {
    Set<String> existing = new HashSet<>();
    try (PreparedStatement columns =
        connection.prepareStatement(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ?")) {
      columns.setString(1, table.table());
      try (ResultSet rs = columns.executeQuery()) {
        while (rs.next()) {
          existing.add(rs.getString(1).toLowerCase(Locale.ROOT));
        }
      }
    }
    List<String> missing =
        schema.fields().stream()
            .map(Field::name)
            .filter(n -> !existing.contains(n.toLowerCase(Locale.ROOT)))
            .toList();
    if (!missing.isEmpty()) {
      throw SinkException.permanentFailure(
          "DuckDB table "
              + table.table()
              + " in "
              + location
              + " has no column "
              + String.join(", ", missing)
              + ": drop or rename the table, or add the column (ALTER TABLE ... ADD COLUMN)",
          null);
    }
  }

  /** Whether DuckDB can write nothing more: its disk is full or the database was invalidated. */
  private static boolean isFatal(SQLException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
    return message.contains("no space left on device")
        || message.contains("disk quota exceeded")
        || message.contains("database has been invalidated");
  }

  private SinkException fatal(SQLException e) {
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

  private SinkException classify(TableId table, SQLException e) {
    if (isFatal(e)) {
      return fatal(e);
    }
    String message =
        "writing to DuckDB table "
            + table.table()
            + " in "
            + location
            + " failed: "
            + firstLine(e.getMessage());
    if (e.getMessage() != null
        && e.getMessage().toLowerCase(Locale.ROOT).contains("out of memory")) {
      return SinkException.transientFailure(message, e);
    }
    return SinkException.permanentFailure(message, e);
  }

  private void rollback() {
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

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    inserts.values().forEach(Insert::reset);
    if (rangeInsert != null) {
      try {
        rangeInsert.close();
      } catch (SQLException e) {
        LOG.debug("closing a statement failed", e);
      }
    }
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warn("closing DuckDB {} failed: {}", location, e.getMessage());
    }
  }

  private record TableKey(TableId table, TableSchema schema) {}

  /**
   * A multi-row INSERT for one table and schema, prepared per row count when needed (the full batch
   * size is the one reused), with each column's binding.
   */
  private static final class Insert {
    private final List<Field> fields;
    private final Connection connection;
    private final String head;
    private final String tuple;
    private final Map<Integer, PreparedStatement> statements = new HashMap<>();

    Insert(TableSchema schema, Connection connection, String head, String tuple) {
      this.fields = schema.fields();
      this.connection = connection;
      this.head = head;
      this.tuple = tuple;
    }

    int columns() {
      return fields.size();
    }

    PreparedStatement statement(int rows) throws SQLException {
      PreparedStatement statement = statements.get(rows);
      if (statement == null) {
        if (statements.size() >= 8) {
          reset();
        }
        statement =
            connection.prepareStatement(
                head + String.join(", ", java.util.Collections.nCopies(rows, tuple)));
        statements.put(rows, statement);
      }
      return statement;
    }

    void reset() {
      for (PreparedStatement statement : statements.values()) {
        try {
          statement.close();
        } catch (SQLException e) {
          LOG.debug("closing a statement failed", e);
        }
      }
      statements.clear();
    }

    void bind(PreparedStatement statement, int offset, Row row) throws SQLException {
      for (int i = 0; i < fields.size(); i++) {
        Field field = fields.get(i);
        Object value = row.get(field.name());
        int index = offset + i + 1;
        if (value == null) {
          statement.setNull(index, Types.NULL);
        } else if (DuckDbTypes.boundAsJson(field)) {
          statement.setString(index, NestedJson.render(field, value));
        } else {
          bindScalar(statement, index, field.type(), value);
        }
      }
    }

    private static void bindScalar(
        PreparedStatement statement, int index, FieldType type, Object value) throws SQLException {
      switch (type) {
        case INT64 -> statement.setLong(index, (Long) value);
        case FLOAT64 -> statement.setDouble(index, (Double) value);
        case BOOL -> statement.setBoolean(index, (Boolean) value);
        case NUMERIC -> statement.setBigDecimal(index, (BigDecimal) value);
        case BIGNUMERIC -> statement.setString(index, ((BigDecimal) value).toPlainString());
        case BYTES -> statement.setBytes(index, ((Bytes) value).toByteArray());
        case TIMESTAMP -> statement.setObject(index, ((Instant) value).atOffset(ZoneOffset.UTC));
        case DATE, TIME, DATETIME -> statement.setObject(index, value);
        default -> statement.setString(index, Objects.toString(value));
      }
    }
  }
}

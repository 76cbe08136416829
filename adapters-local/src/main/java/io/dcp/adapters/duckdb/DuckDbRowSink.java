package io.dcp.adapters.duckdb;

import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows into the tables of a {@link DuckDbWarehouse}, on its connection.
 *
 * <p>The sink creates no table: a write to a table that does not exist is a permanent failure that
 * names the table and says so.
 *
 * <p>Table set-up creates each table from its schema, before the first write (BigQuery types mapped
 * as {@link DuckDbTypes} says); an existing table must have every column of the schema. Each batch
 * is one transaction, committed before {@link #write} returns, with the lines of the NDJSON inputs
 * the warehouse tracks. Rows go in through DuckDB's appender ({@link DuckDbAppend}), inside that
 * transaction ({@link DuckDbAppend} begins it first: appended with none open, rows would be
 * committed by the appender alone), so a rollback or a kill before the commit leaves neither rows
 * nor lines. If DuckDB refuses the batch, it is rolled back and written with INSERT: one multi-row
 * INSERT, and if DuckDB refuses that too, the rows one by one in transactions of their own, so that
 * exactly the rows DuckDB rejects are reported, with its message, and the others are committed.
 *
 * <p>Writes are serialised by the warehouse's lock: DuckDB has a single writer, and a commit, not
 * the appending, is most of a batch's cost. So batches whose writers wait for the lock are
 * committed together (group commit): the writer that takes the lock appends every waiting batch,
 * records their lines and commits them in one transaction, and each waiting writer returns with
 * that commit. A group DuckDB refuses is rolled back and its batches are written one by one as
 * above, so a refused row is still reported exactly. With one writer, or none waiting, a batch is
 * written alone: a group never holds more batches than there are writers.
 */
final class DuckDbRowSink implements RowSink {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbRowSink.class);

  private final DuckDbWarehouse warehouse;
  private final DuckDbLineLedger lines;
  private final Map<TableKey, Target> targets = new HashMap<>();
  private final Queue<Pending> waiting = new ConcurrentLinkedQueue<>();
  private boolean closed;

  DuckDbRowSink(DuckDbWarehouse warehouse, DuckDbLineLedger lines) {
    this.warehouse = warehouse;
    this.lines = lines;
  }

  @Override
  public WriteResult write(WriteBatch batch) throws SinkException {
    Pending mine = new Pending(batch);
    waiting.add(mine);
    synchronized (warehouse) {
      if (!mine.done) {
        // Writes every waiting batch, this one included; a failure before the work began (the
        // warehouse closed, its disk full) is this batch's alone: the others stay waiting.
        warehouse.withConnection(
            "writing to DuckDB table " + batch.table(),
            c -> {
              writeWaiting(c);
              return null;
            });
      }
      return mine.result();
    }
  }

  /** How many batches wait for the lock: written by whichever writer takes it next. */
  int waitingBatches() {
    return waiting.size();
  }

  /**
   * Takes every waiting batch and settles each one: all of them in one transaction when there are
   * several, else alone. Throws nothing: a failure is the result of the batches it concerns.
   */
  private void writeWaiting(Connection connection) {
    List<Pending> group = new ArrayList<>();
    for (Pending p = waiting.poll(); p != null; p = waiting.poll()) {
      group.add(p);
    }
    if (group.size() > 1) {
      group = writeTogether(connection, group);
    }
    for (Pending p : group) {
      try {
        p.written(write(connection, p.batch));
      } catch (SinkException | RuntimeException e) {
        // Thrown to the batch's own writer, as if it had written alone.
        p.failed(e);
      }
    }
  }

  /**
   * Appends the batches of {@code group} that the appender takes in one transaction, with their
   * lines, and commits it. Returns the batches left to write alone: those it could not append (a
   * table the appender refused, a failed set-up), or all of them when DuckDB refused the group.
   */
  private List<Pending> writeTogether(Connection connection, List<Pending> group) {
    if (closed) {
      return group;
    }
    Map<Target, List<Row>> rowsByTarget = new LinkedHashMap<>();
    List<String> ids = new ArrayList<>();
    List<Pending> together = new ArrayList<>();
    List<Pending> alone = new ArrayList<>();
    for (Pending p : group) {
      Target target;
      try {
        target = prepare(connection, p.batch.table(), p.batch.schema());
      } catch (SinkException e) {
        alone.add(p);
        continue;
      }
      if (!target.appendable) {
        alone.add(p);
        continue;
      }
      rowsByTarget.computeIfAbsent(target, t -> new ArrayList<>()).addAll(p.batch.rows());
      ids.addAll(p.batch.messageIds());
      together.add(p);
    }
    if (together.size() < 2) {
      return group;
    }
    try {
      for (Map.Entry<Target, List<Row>> e : rowsByTarget.entrySet()) {
        e.getKey().append.append(connection, e.getValue());
      }
      lines.record(connection, ids);
      connection.commit();
    } catch (SQLException | ArithmeticException | ClassCastException groupFailure) {
      warehouse.rollback();
      if (groupFailure instanceof SQLException e && DuckDbWarehouse.isFatal(e)) {
        // Every batch of the group then fails with it, unwritten.
        warehouse.fatal(e);
        return group;
      }
      LOG.debug(
          "appending {} batches together failed, writing them one by one: {}",
          together.size(),
          groupFailure.getMessage());
      return group;
    }
    for (Pending p : together) {
      p.written(WriteResult.allWritten());
    }
    return alone;
  }

  private WriteResult write(Connection connection, WriteBatch batch) throws SinkException {
    if (closed) {
      throw SinkException.permanentFailure(
          "the DuckDB sink for " + warehouse.location() + " is closed", null);
    }
    SinkException fatal = warehouse.fatalFailure();
    if (fatal != null) {
      // Once DuckDB cannot write (its disk full), nothing more is tried, not even by the batches
      // of a group whose commit failed: writes after such a commit left rows in the file whose
      // batches were reported failed (DiskFullIT).
      throw fatal;
    }
    Target target = prepare(connection, batch.table(), batch.schema());
    if (target.appendable) {
      try {
        // Begins the transaction before appending, so that rows and lines commit together.
        target.append.append(connection, batch.rows());
        lines.record(connection, batch.messageIds());
        connection.commit();
        return WriteResult.allWritten();
      } catch (SQLException | ArithmeticException | ClassCastException appendFailure) {
        warehouse.rollback();
        if (appendFailure instanceof SQLException e && DuckDbWarehouse.isFatal(e)) {
          throw warehouse.fatal(e);
        }
        LOG.debug(
            "appending to {} failed, writing with INSERT: {}",
            batch.table(),
            appendFailure.getMessage());
      }
    }
    return insert(connection, target, batch);
  }

  /**
   * The INSERT path: one multi-row INSERT for the batch, then, if DuckDB refuses it, row by row.
   * When the multi-row INSERT takes a batch the appender refused, the appender cannot carry the
   * table's shape, and the table is written with INSERT from then on.
   */
  private WriteResult insert(Connection connection, Target target, WriteBatch batch)
      throws SinkException {
    DuckDbInsert insert = target.insert;
    try {
      // One multi-row INSERT per batch: DuckDB's JDBC executeBatch runs row by row.
      PreparedStatement statement = insert.statement(batch.rows().size());
      int offset = 0;
      for (Row row : batch.rows()) {
        insert.bind(statement, offset, row);
        offset += insert.columns();
      }
      statement.executeUpdate();
      lines.record(connection, batch.messageIds());
      connection.commit();
      if (target.appendable) {
        target.appendable = false;
        LOG.info(
            "DuckDB's appender refused rows of {} that INSERT takes; writing it with INSERT",
            batch.table());
      }
      return WriteResult.allWritten();
    } catch (SQLException batchFailure) {
      warehouse.rollback();
      insert.reset();
      if (DuckDbWarehouse.isFatal(batchFailure)) {
        throw warehouse.fatal(batchFailure);
      }
      LOG.debug(
          "batch insert into {} failed, retrying row by row: {}",
          batch.table(),
          batchFailure.getMessage());
      return writeRowByRow(connection, insert, batch);
    }
  }

  /**
   * Writes each row in a transaction of its own, so that a row DuckDB refuses (a NOT NULL
   * violation, say) is reported with DuckDB's message and the others are committed. Only taken when
   * a whole batch failed.
   */
  private WriteResult writeRowByRow(Connection connection, DuckDbInsert insert, WriteBatch batch)
      throws SinkException {
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
          lines.record(connection, List.of(ids.get(i)));
        }
        connection.commit();
      } catch (SQLException rowFailure) {
        warehouse.rollback();
        // DuckDB closes a statement whose execution failed.
        insert.reset();
        if (DuckDbWarehouse.isFatal(rowFailure)) {
          // Rows committed before it stay committed; the rest of the batch is not written.
          throw warehouse.fatal(rowFailure);
        }
        messageFailed = true;
        errors.add(new RowError(i, DuckDbWarehouse.firstLine(rowFailure.getMessage())));
      }
    }
    return new WriteResult(errors);
  }

  private Target prepare(Connection connection, TableId table, TableSchema schema)
      throws SinkException {
    TableKey key = new TableKey(table, schema);
    Target target = targets.get(key);
    if (target != null) {
      return target;
    }
    String name = DuckDbTypes.quote(table.table());
    try {
      TableSchema live = liveColumns(connection, table, schema);
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
      target =
          new Target(
              new DuckDbInsert(schema, connection, sql, tuple),
              new DuckDbAppend(table.table(), live, schema));
      targets.put(key, target);
      return target;
    } catch (SQLException e) {
      warehouse.rollback();
      throw classify(table, e);
    }
  }

  /** The table's columns, which must include every column of {@code schema}. */
  private TableSchema liveColumns(Connection connection, TableId table, TableSchema schema)
      throws SQLException, SinkException {
    TableSchema live =
        DuckDbTableAdmin.read(connection, table)
            .orElseThrow(() -> new SQLException("table " + table.table() + " does not exist"));
    List<String> missing =
        schema.fields().stream()
            .map(Field::name)
            .filter(n -> TableSchema.find(live.fields(), n).isEmpty())
            .toList();
    if (!missing.isEmpty()) {
      throw SinkException.permanentFailure(
          "DuckDB table "
              + table.table()
              + " in "
              + warehouse.location()
              + " has no column "
              + String.join(", ", missing)
              + ": drop or rename the table, or add the column (ALTER TABLE ... ADD COLUMN)",
          null);
    }
    return live;
  }

  private SinkException classify(TableId table, SQLException e) {
    if (DuckDbWarehouse.isFatal(e)) {
      return warehouse.fatal(e);
    }
    String message =
        "writing to DuckDB table "
            + table.table()
            + " in "
            + warehouse.location()
            + " failed: "
            + DuckDbWarehouse.firstLine(e.getMessage());
    if (e.getMessage() != null
        && e.getMessage().toLowerCase(Locale.ROOT).contains("out of memory")) {
      return SinkException.transientFailure(message, e);
    }
    return SinkException.permanentFailure(message, e);
  }

  /**
   * Closes the prepared statements; later writes fail. The connection stays open: it belongs to the
   * warehouse, whose {@code close} closes it.
   */
  @Override
  public void close() {
    synchronized (warehouse) {
      closed = true;
      forgetTables();
    }
  }

  /**
   * Forgets what the sink knows of the tables (their columns, its statements): called when a
   * table's columns change, so that the next write reads them again.
   */
  void forgetTables() {
    targets.values().forEach(t -> t.insert.reset());
    targets.clear();
  }

  private record TableKey(TableId table, TableSchema schema) {}

  /** A batch waiting for the lock, and once settled (under the lock) its result or failure. */
  private static final class Pending {
    final WriteBatch batch;
    boolean done;
    private WriteResult result;
    private Exception failure;

    Pending(WriteBatch batch) {
      this.batch = batch;
    }

    void written(WriteResult written) {
      result = written;
      done = true;
    }

    void failed(Exception e) {
      failure = e;
      done = true;
    }

    WriteResult result() throws SinkException {
      if (failure instanceof SinkException e) {
        throw e;
      }
      if (failure != null) {
        throw (RuntimeException) failure;
      }
      if (!done) {
        throw new IllegalStateException("the batch for " + batch.table() + " was not written");
      }
      return result;
    }
  }

  /** How a table is written for a schema: appended, or inserted once the appender refused it. */
  private static final class Target {
    final DuckDbInsert insert;
    final DuckDbAppend append;
    boolean appendable = true;

    Target(DuckDbInsert insert, DuckDbAppend append) {
      this.insert = insert;
      this.append = append;
    }
  }
}

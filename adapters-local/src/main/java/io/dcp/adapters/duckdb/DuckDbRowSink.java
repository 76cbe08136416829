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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows into the tables of a {@link DuckDbWarehouse}, on its connection.
 *
 * <p>A table is created from the batch's schema the first time it is written (BigQuery types mapped
 * as {@link DuckDbTypes} says); an existing table must have every column of the schema. Each batch
 * is one transaction, committed before {@link #write} returns, with the lines of the NDJSON inputs
 * the warehouse tracks. If DuckDB refuses the batch, the rows are retried one by one in a new
 * transaction so that exactly the rows DuckDB rejects are reported, with its message, and the
 * others are committed. Writes are serialised by the warehouse's lock: DuckDB has a single writer.
 */
final class DuckDbRowSink implements RowSink {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbRowSink.class);

  private final DuckDbWarehouse warehouse;
  private final DuckDbLineLedger lines;
  private final Map<TableKey, DuckDbInsert> inserts = new HashMap<>();
  private boolean closed;

  DuckDbRowSink(DuckDbWarehouse warehouse, DuckDbLineLedger lines) {
    this.warehouse = warehouse;
    this.lines = lines;
  }

  @Override
  public WriteResult write(WriteBatch batch) throws SinkException {
    return warehouse.withConnection(
        "writing to DuckDB table " + batch.table(), c -> write(c, batch));
  }

  private WriteResult write(Connection connection, WriteBatch batch) throws SinkException {
    if (closed) {
      throw SinkException.permanentFailure(
          "the DuckDB sink for " + warehouse.location() + " is closed", null);
    }
    DuckDbInsert insert = prepare(connection, batch.table(), batch.schema());
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

  private DuckDbInsert prepare(Connection connection, TableId table, TableSchema schema)
      throws SinkException {
    TableKey key = new TableKey(table, schema);
    DuckDbInsert insert = inserts.get(key);
    if (insert != null) {
      return insert;
    }
    String name = DuckDbTypes.quote(table.table());
    try (Statement statement = connection.createStatement()) {
      statement.execute(DuckDbTypes.createTable(table, schema));
      connection.commit();
      checkColumns(connection, table, schema);
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
      insert = new DuckDbInsert(schema, connection, sql, tuple);
      inserts.put(key, insert);
      return insert;
    } catch (SQLException e) {
      warehouse.rollback();
      throw classify(table, e);
    }
  }

  private void checkColumns(Connection connection, TableId table, TableSchema schema)
      throws SQLException, SinkException {
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
              + warehouse.location()
              + " has no column "
              + String.join(", ", missing)
              + ": drop or rename the table, or add the column (ALTER TABLE ... ADD COLUMN)",
          null);
    }
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
      inserts.values().forEach(DuckDbInsert::reset);
      inserts.clear();
    }
  }

  private record TableKey(TableId table, TableSchema schema) {}
}

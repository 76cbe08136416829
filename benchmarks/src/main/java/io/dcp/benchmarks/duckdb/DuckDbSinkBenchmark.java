package io.dcp.benchmarks.duckdb;

import io.dcp.adapters.duckdb.DuckDbWarehouse;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.testing.QuoteEvents;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The DuckDB sink against its limit, side by side over the same rows (the quickstart's flat quote
 * row, mapped once before timing): a bare appender loop (500-row appends, each committed by the
 * appender on its own), the same loop inside a transaction per append (begun by a statement, then
 * committed, as the sink must to commit rows with their line ledger), the multi-row {@code INSERT
 * ... VALUES} the sink keeps as its fallback, and the sink itself. Each path writes a fresh
 * database file; the rounds interleave the paths so that the machine's noise falls on all alike.
 *
 * <p>{@code DuckDbSinkBenchmark [rows] [rounds] [setting ...]}: a setting ({@code threads=1},
 * {@code preserve_insertion_order=false}, ...) is applied with {@code SET} on the bare appender's
 * and the INSERT path's connections; the sink runs on its warehouse's connection as it opens it.
 */
public final class DuckDbSinkBenchmark {
  private static final TableId TABLE = TableId.local("quotes");
  private static final int BATCH = 500;

  private DuckDbSinkBenchmark() {}

  public static void main(String[] args) throws Exception {
    int count = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    List<String> settings = args.length > 2 ? List.of(args).subList(2, args.length) : List.of();
    TableSchema schema = QuoteEvents.schema();
    List<Row> rows = rows(schema, count);
    Path dir = Files.createTempDirectory("dcp-duckdb-bench");
    System.out.printf("rows %,d in batches of %d, settings %s%n", rows.size(), BATCH, settings);
    for (int r = 1; r <= rounds; r++) {
      int round = r;
      // Each round starts with another path, so that no path always runs first (a cold JIT, a
      // cold page cache).
      double[] rates = new double[4];
      for (int k = 0; k < 4; k++) {
        int path = (k + round - 1) % 4;
        Run run =
            switch (path) {
              case 0 -> () -> bareAppender(file(dir, "bare", round), schema, rows, settings, false);
              case 1 ->
                  () -> bareAppender(file(dir, "bare-tx", round), schema, rows, settings, true);
              case 2 -> () -> insert(file(dir, "insert", round), schema, rows, settings);
              default -> () -> sink(file(dir, "sink", round), schema, rows);
            };
        rates[path] = rate(rows, run);
      }
      double bare = rates[0];
      double bareInTransaction = rates[1];
      double insert = rates[2];
      double sink = rates[3];
      System.out.printf(
          "round %d: bare appender %,.0f rows/s | bare appender in a transaction %,.0f rows/s |"
              + " multi-row INSERT %,.0f rows/s | sink %,.0f rows/s | sink / bare %.2f |"
              + " sink / bare in a transaction %.2f | sink / INSERT %.1f%n",
          round,
          bare,
          bareInTransaction,
          insert,
          sink,
          sink / bare,
          sink / bareInTransaction,
          sink / insert);
    }
  }

  private static List<Row> rows(TableSchema schema, int count) {
    JsonMessageMapper mapper =
        JsonMessageMapper.create(schema, MappingConfig.typed(), "bench", Clock.systemUTC());
    byte[][] payloads = QuoteEvents.payloads(count);
    List<Row> rows = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      if (mapper.map(Message.of("m" + i, payloads[i], Instant.EPOCH))
          instanceof MappingResult.Mapped m) {
        rows.addAll(m.rows());
      }
    }
    return rows;
  }

  private static String file(Path dir, String path, int round) {
    return dir.resolve(path + "-" + round + ".duckdb").toString();
  }

  private interface Run {
    void run() throws Exception;
  }

  private static double rate(List<Row> rows, Run run) throws Exception {
    long start = System.nanoTime();
    run.run();
    return rows.size() / ((System.nanoTime() - start) / 1e9);
  }

  /** Creates the table as the sink's table admin does, so that every path writes the same DDL. */
  private static void createTable(String file, TableSchema schema) throws Exception {
    try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(file);
        TableAdmin admin = warehouse.tableAdmin()) {
      admin.create(TABLE, schema, TableOptions.none());
    }
  }

  private static Connection connect(String file, List<String> settings) throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:duckdb:" + file);
    try (Statement s = c.createStatement()) {
      for (String setting : settings) {
        s.execute("SET " + setting);
      }
    }
    c.setAutoCommit(false);
    return c;
  }

  /**
   * The limit: typed appends straight from the rows, no layout, no fallback. Outside a transaction
   * ({@code inTransaction} false) the appender commits each append on its own; inside one, a
   * statement begins it and the commit commits the append.
   */
  private static void bareAppender(
      String file, TableSchema schema, List<Row> rows, List<String> settings, boolean inTransaction)
      throws Exception {
    createTable(file, schema);
    List<Field> fields = schema.fields();
    try (Connection c = connect(file, settings)) {
      DuckDBConnection duckDb = c.unwrap(DuckDBConnection.class);
      for (int from = 0; from < rows.size(); from += BATCH) {
        if (inTransaction) {
          try (Statement begin = c.createStatement()) {
            begin.execute("SELECT 1");
          }
        }
        try (DuckDBAppender appender = duckDb.createAppender(TABLE.table())) {
          for (Row row : rows.subList(from, Math.min(rows.size(), from + BATCH))) {
            appender.beginRow();
            for (Field field : fields) {
              appendValue(appender, row.get(field.name()));
            }
            appender.endRow();
          }
          appender.flush();
        }
        c.commit();
      }
    }
  }

  private static void appendValue(DuckDBAppender appender, Object value) throws SQLException {
    if (value == null) {
      appender.appendNull();
    } else if (value instanceof String s) {
      appender.append(s);
    } else if (value instanceof Long l) {
      appender.append(l.longValue());
    } else if (value instanceof Double d) {
      appender.append(d.doubleValue());
    } else if (value instanceof Boolean b) {
      appender.append(b.booleanValue());
    } else if (value instanceof BigDecimal d) {
      appender.append(d.setScale(9));
    } else if (value instanceof Instant i) {
      appender.append(i.atOffset(ZoneOffset.UTC));
    } else if (value instanceof LocalDate d) {
      appender.append(d);
    } else if (value instanceof List<?> list) {
      appender.append(list);
    } else {
      throw new IllegalArgumentException("no bare append for " + value.getClass());
    }
  }

  /** The sink's fallback: one multi-row INSERT of the batch, bound as its INSERT binds values. */
  private static void insert(String file, TableSchema schema, List<Row> rows, List<String> settings)
      throws Exception {
    createTable(file, schema);
    List<Field> fields = schema.fields();
    String head =
        "INSERT INTO quotes ("
            + fields.stream().map(f -> '"' + f.name() + '"').collect(Collectors.joining(", "))
            + ") VALUES ";
    String tuple =
        fields.stream()
            .map(f -> f.isRepeated() ? "CAST(CAST(? AS JSON) AS VARCHAR[])" : "?")
            .collect(Collectors.joining(", ", "(", ")"));
    try (Connection c = connect(file, settings)) {
      PreparedStatement full = null;
      for (int from = 0; from < rows.size(); from += BATCH) {
        List<Row> batch = rows.subList(from, Math.min(rows.size(), from + BATCH));
        PreparedStatement statement =
            batch.size() == BATCH && full != null
                ? full
                : c.prepareStatement(
                    head + String.join(", ", Collections.nCopies(batch.size(), tuple)));
        if (batch.size() == BATCH) {
          full = statement;
        }
        int index = 1;
        for (Row row : batch) {
          for (Field field : fields) {
            bind(statement, index++, row.get(field.name()));
          }
        }
        statement.executeUpdate();
        c.commit();
      }
    }
  }

  private static void bind(PreparedStatement statement, int index, Object value)
      throws SQLException {
    if (value == null) {
      statement.setNull(index, Types.NULL);
    } else if (value instanceof List<?> list) {
      statement.setString(
          index,
          list.stream()
              .map(e -> '"' + e.toString() + '"')
              .collect(Collectors.joining(",", "[", "]")));
    } else if (value instanceof Instant i) {
      statement.setObject(index, i.atOffset(ZoneOffset.UTC));
    } else if (value instanceof BigDecimal d) {
      statement.setBigDecimal(index, d);
    } else {
      statement.setObject(index, value);
    }
  }

  /** The sink, as the pipeline calls it: one batch per call, a transaction each. */
  private static void sink(String file, TableSchema schema, List<Row> rows) throws Exception {
    createTable(file, schema);
    try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(file);
        RowSink sink = warehouse.rowSink()) {
      for (int from = 0; from < rows.size(); from += BATCH) {
        sink.write(
            new WriteBatch(TABLE, schema, rows.subList(from, Math.min(rows.size(), from + BATCH))));
      }
    }
  }
}

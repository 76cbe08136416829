package io.dcp.adapters.duckdb;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * Appends the rows of a batch to a table through DuckDB's {@link DuckDBAppender}, in the
 * connection's transaction: DuckDB's fastest way in, an order of magnitude above a multi-row
 * INSERT.
 *
 * <p>The appender joins a transaction only when one is open in DuckDB. With auto-commit off,
 * DuckDB's JDBC driver begins the transaction lazily, when the first statement after a commit or
 * rollback runs, and the appender runs no statement through the driver: appended to a connection
 * whose last act was a commit, rows are committed by the appender on its own and survive a
 * rollback. So {@link #append} first runs a statement, which begins the transaction, and the rows
 * are then committed or rolled back with it ({@code DuckDbAppenderTransactionTest}).
 *
 * <p>The appender fills every column of the table in the table's order, so the rows are laid out by
 * the live table ({@code live}, read back in BigQuery terms): a column the batch's schema lacks
 * gets its default, a STRUCT's sub-fields follow the table's order. A value goes in as the type the
 * INSERT path would have cast it to, so that both paths store the same value: a NUMERIC at the
 * column's scale of 9, a TIMESTAMP as a UTC offset date-time, BYTES inside a STRUCT or LIST as its
 * base64 text (nested columns hold it as VARCHAR), a BIGNUMERIC as its plain text. Any value the
 * appender refuses ends the batch with the exception; the caller rolls back and takes the INSERT
 * path.
 */
final class DuckDbAppend {
  /** DuckDB's scale for NUMERIC, as {@link DuckDbTypes} creates it. */
  private static final int NUMERIC_SCALE = 9;

  private final String table;
  private final List<Field> live;
  private final List<Optional<Field>> wanted;

  /**
   * The layout of {@code table} (its columns {@code live}) for rows of {@code schema}; every column
   * of the schema is in the table.
   */
  DuckDbAppend(String table, TableSchema live, TableSchema schema) {
    this.table = table;
    this.live = live.fields();
    this.wanted = this.live.stream().map(f -> TableSchema.find(schema.fields(), f.name())).toList();
  }

  /**
   * Appends {@code rows} and flushes them into the connection's transaction, which it begins if
   * none is open; nothing is committed until the caller commits.
   *
   * @throws SQLException when DuckDB refuses a row (a NOT NULL violation) or a value's shape
   * @throws ArithmeticException when a NUMERIC does not fit the column's scale
   * @throws ClassCastException when a value is not of the table's type (a table made elsewhere)
   * @throws IllegalStateException when the connection commits on its own (auto-commit on)
   */
  void append(Connection connection, List<Row> rows) throws SQLException {
    beginTransaction(connection);
    DuckDBConnection duckDb = connection.unwrap(DuckDBConnection.class);
    try (DuckDBAppender appender = duckDb.createAppender(table)) {
      for (Row row : rows) {
        appender.beginRow();
        for (int i = 0; i < live.size(); i++) {
          Optional<Field> field = wanted.get(i);
          if (field.isEmpty()) {
            appender.appendDefault();
          } else {
            column(appender, live.get(i), field.get(), row.get(field.get().name()));
          }
        }
        appender.endRow();
      }
      // close() would swallow a failed flush: flush first so that a refused row is seen.
      appender.flush();
    }
  }

  /**
   * Begins the connection's transaction, if it has none open, by running a statement: DuckDB's
   * driver begins it then, and the appender, which runs none, would otherwise commit on its own.
   */
  static void beginTransaction(Connection connection) throws SQLException {
    if (connection.getAutoCommit()) {
      throw new IllegalStateException(
          "appending needs a connection with auto-commit off: the appender would commit alone");
    }
    try (Statement statement = connection.createStatement()) {
      statement.execute("SELECT 1");
    }
  }

  private static void column(DuckDBAppender appender, Field live, Field field, Object value)
      throws SQLException {
    if (value == null) {
      appender.appendNull();
    } else if (live.isRepeated()) {
      appender.append((List<?>) element(live, field, value));
    } else if (live.type() == FieldType.STRUCT) {
      Row row = (Row) value;
      appender.beginStruct();
      for (Field sub : live.fields()) {
        Optional<Field> wantedSub = TableSchema.find(field.fields(), sub.name());
        if (wantedSub.isEmpty()) {
          appender.appendNull();
        } else {
          column(appender, sub, wantedSub.get(), row.get(wantedSub.get().name()));
        }
      }
      appender.endStruct();
    } else {
      scalar(appender, live, value);
    }
  }

  private static void scalar(DuckDBAppender appender, Field live, Object value)
      throws SQLException {
    if (value instanceof Long l) {
      appender.append(l.longValue());
    } else if (value instanceof Double d) {
      appender.append(d.doubleValue());
    } else if (value instanceof Boolean b) {
      appender.append(b.booleanValue());
    } else if (value instanceof String s) {
      appender.append(s);
    } else if (value instanceof LocalDate date) {
      appender.append(date);
    } else if (value instanceof LocalTime time) {
      appender.append(time);
    } else if (value instanceof LocalDateTime dateTime) {
      appender.append(dateTime);
    } else {
      Object converted = element(live, null, value);
      if (converted instanceof BigDecimal decimal) {
        appender.append(decimal);
      } else if (converted instanceof byte[] bytes) {
        appender.append(bytes);
      } else if (converted instanceof String text) {
        appender.append(text);
      } else {
        appender.append((java.time.OffsetDateTime) converted);
      }
    }
  }

  /** Whether the appender takes a value of {@code type} as the mapper made it. */
  private static boolean asMapped(FieldType type) {
    return type == FieldType.STRING
        || type == FieldType.INT64
        || type == FieldType.FLOAT64
        || type == FieldType.BOOL;
  }

  /**
   * The value as the appender takes it inside a LIST or STRUCT: a STRUCT as the list of its
   * sub-fields' values in the table's order, a LIST as a list.
   */
  private static Object element(Field live, Field field, Object value) {
    if (value == null) {
      return null;
    }
    if (value instanceof List<?> list) {
      if (asMapped(live.type())) {
        return list;
      }
      List<Object> elements = new ArrayList<>(list.size());
      for (Object e : list) {
        elements.add(element(live, field, e));
      }
      return elements;
    }
    if (value instanceof Row row) {
      List<Object> values = new ArrayList<>(live.fields().size());
      for (Field sub : live.fields()) {
        Optional<Field> wantedSub = TableSchema.find(field.fields(), sub.name());
        values.add(
            wantedSub.isEmpty()
                ? null
                : element(sub, wantedSub.get(), row.get(wantedSub.get().name())));
      }
      return values;
    }
    if (value instanceof BigDecimal decimal) {
      return live.type() == FieldType.NUMERIC
          ? decimal.setScale(NUMERIC_SCALE, RoundingMode.UNNECESSARY)
          : decimal.toPlainString();
    }
    if (value instanceof Bytes bytes) {
      return live.type() == FieldType.BYTES ? bytes.toByteArray() : bytes.toBase64();
    }
    if (value instanceof Instant instant) {
      return instant.atOffset(ZoneOffset.UTC);
    }
    return value;
  }
}

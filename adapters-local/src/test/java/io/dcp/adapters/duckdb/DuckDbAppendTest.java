package io.dcp.adapters.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The appender stores every type of docs/mapping.md as the INSERT path does. */
class DuckDbAppendTest {
  private static Row venue(Long id, Instant at) {
    Row.Builder b = Row.builder();
    if (id != null) {
      b.set("id", id);
    }
    if (at != null) {
      b.set("at", at);
    }
    return b.build();
  }

  static Stream<Arguments> everyType() {
    Field venue =
        Field.struct(
            "v",
            FieldMode.NULLABLE,
            List.of(
                Field.of("id", FieldType.INT64),
                Field.of("at", FieldType.TIMESTAMP),
                Field.of("raw", FieldType.BYTES),
                Field.of("tags", FieldType.STRING, FieldMode.REPEATED),
                Field.struct(
                    "inner", FieldMode.NULLABLE, List.of(Field.of("n", FieldType.NUMERIC)))));
    Field legs =
        Field.struct(
            "v",
            FieldMode.REPEATED,
            List.of(
                Field.of("px", FieldType.NUMERIC),
                Field.of("qty", FieldType.INT64),
                Field.of("f", FieldType.FLOAT64),
                Field.of("bn", FieldType.BIGNUMERIC),
                Field.of("d", FieldType.DATE),
                Field.of("t", FieldType.TIME),
                Field.of("dt", FieldType.DATETIME),
                Field.of("j", FieldType.JSON),
                Field.of("ok", FieldType.BOOL)));
    return Stream.of(
        Arguments.of(Field.of("v", FieldType.STRING), List.of("AAPL", "", "é ☃ \"q\"")),
        Arguments.of(
            Field.of("v", FieldType.BYTES),
            List.of(Bytes.copyOf(new byte[] {0, (byte) 0xff, 7}), Bytes.copyOf(new byte[0]))),
        Arguments.of(Field.of("v", FieldType.INT64), List.of(Long.MIN_VALUE, 0L, Long.MAX_VALUE)),
        Arguments.of(
            Field.of("v", FieldType.FLOAT64),
            List.of(1.5e-300, -0.0, Double.NaN, Double.POSITIVE_INFINITY, 0.1)),
        Arguments.of(
            Field.of("v", FieldType.NUMERIC),
            List.of(
                new BigDecimal("12345678901234567890123456789.123456789"),
                new BigDecimal("-0.000000001"),
                new BigDecimal("1E+3"),
                BigDecimal.ZERO)),
        Arguments.of(
            Field.of("v", FieldType.BIGNUMERIC),
            List.of(new BigDecimal("1" + "0".repeat(70) + ".5"), new BigDecimal("-1E-38"))),
        Arguments.of(Field.of("v", FieldType.BOOL), List.of(true, false)),
        Arguments.of(
            Field.of("v", FieldType.TIMESTAMP),
            List.of(
                Instant.parse("2026-11-24T10:15:30.123456Z"),
                Instant.parse("0001-01-01T00:00:00Z"),
                Instant.parse("9999-12-31T23:59:59.999999Z"))),
        Arguments.of(
            Field.of("v", FieldType.DATE),
            List.of(LocalDate.of(1, 1, 1), LocalDate.of(2024, 2, 29))),
        Arguments.of(
            Field.of("v", FieldType.TIME),
            List.of(LocalTime.of(23, 59, 59, 999_999_000), LocalTime.MIDNIGHT)),
        Arguments.of(
            Field.of("v", FieldType.DATETIME),
            List.of(
                LocalDateTime.of(2026, 2, 28, 1, 2, 3, 4_000), LocalDateTime.of(1, 1, 1, 0, 0))),
        Arguments.of(
            Field.of("v", FieldType.JSON),
            List.of("{\"a\":[1,2,{\"b\":null}]}", "\"text\"", "1.5", "null")),
        Arguments.of(Field.of("v", FieldType.GEOGRAPHY), List.of("POINT(1 2)")),
        Arguments.of(
            Field.of("v", FieldType.STRING, FieldMode.REPEATED),
            List.of(List.of("x", "y"), List.of())),
        Arguments.of(
            Field.of("v", FieldType.TIMESTAMP, FieldMode.REPEATED),
            List.of(List.of(Instant.parse("2026-01-01T00:00:00.000001Z")))),
        Arguments.of(
            venue,
            List.of(
                Row.builder()
                    .set("id", 7L)
                    .set("at", Instant.parse("2026-01-01T00:00:00.000001Z"))
                    .set("raw", Bytes.copyOf(new byte[] {1, 2}))
                    .set("tags", List.of("a"))
                    .set("inner", Row.builder().set("n", new BigDecimal("1.5")).build())
                    .build(),
                venue(null, null),
                venue(3L, null))),
        Arguments.of(
            legs,
            List.of(
                List.of(
                    Row.builder()
                        .set("px", new BigDecimal("1.5"))
                        .set("qty", 3L)
                        .set("f", Double.NaN)
                        .set("bn", new BigDecimal("1" + "0".repeat(50)))
                        .set("d", LocalDate.of(2026, 1, 2))
                        .set("t", LocalTime.of(1, 2, 3, 4_000))
                        .set("dt", LocalDateTime.of(2026, 1, 2, 3, 4, 5, 6_000))
                        .set("j", "{\"k\":[1]}")
                        .set("ok", false)
                        .build(),
                    Row.builder().set("qty", 4L).build()),
                List.of())));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyType")
  void appendsEveryTypeAsTheInsertPathStoresIt(Field field, List<Object> values) throws Exception {
    TableSchema schema = TableSchema.of(Field.of("k", FieldType.INT64), field);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      rows.add(Row.builder().set("k", (long) i).set("v", values.get(i)).build());
    }
    rows.add(Row.builder().set("k", (long) values.size()).build());

    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute(DuckDbTypes.createTable(TableId.local("appended"), schema));
        s.execute(DuckDbTypes.createTable(TableId.local("inserted"), schema));
      }
      TableSchema live = DuckDbTableAdmin.read(c, TableId.local("appended")).orElseThrow();
      new DuckDbAppend("appended", live, schema).append(c, rows);
      insert(c, schema, rows);
      c.commit();

      List<String> appended = text(c, "appended");
      assertThat(appended).hasSize(rows.size());
      assertThat(appended).isEqualTo(text(c, "inserted"));
    }
  }

  @Test
  void laysRowsOutByTheTableSoColumnsInAnotherOrderOrMissingFromTheSchemaStayRight()
      throws Exception {
    TableSchema schema =
        TableSchema.of(Field.of("b", FieldType.STRING), Field.of("a", FieldType.INT64));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE TABLE t (A BIGINT, extra VARCHAR DEFAULT 'd', b VARCHAR)");
      }
      TableSchema live = DuckDbTableAdmin.read(c, TableId.local("t")).orElseThrow();
      new DuckDbAppend("t", live, schema)
          .append(c, List.of(Row.builder().set("a", 1L).set("b", "x").build()));
      c.commit();

      assertThat(text(c, "t")).containsExactly("1|d|x");
    }
  }

  @Test
  void refusesARowThatBreaksAConstraintWhenFlushing() throws Exception {
    TableSchema schema = TableSchema.of(Field.of("id", FieldType.STRING, FieldMode.REQUIRED));
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:")) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.execute(DuckDbTypes.createTable(TableId.local("t"), schema));
      }
      TableSchema live = DuckDbTableAdmin.read(c, TableId.local("t")).orElseThrow();

      assertThatThrownBy(
              () ->
                  new DuckDbAppend("t", live, schema)
                      .append(c, List.of(Row.builder().set("id", "a").build(), Row.empty())))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("NOT NULL constraint failed");
    }
  }

  private static void insert(Connection c, TableSchema schema, List<Row> rows) throws SQLException {
    String head =
        "INSERT INTO inserted ("
            + schema.fields().stream()
                .map(f -> DuckDbTypes.quote(f.name()))
                .collect(Collectors.joining(", "))
            + ") VALUES ";
    String tuple =
        schema.fields().stream()
            .map(
                f ->
                    DuckDbTypes.boundAsJson(f)
                        ? "CAST(CAST(? AS JSON) AS " + DuckDbTypes.columnType(f) + ")"
                        : "?")
            .collect(Collectors.joining(", ", "(", ")"));
    DuckDbInsert insert = new DuckDbInsert(schema, c, head, tuple);
    PreparedStatement statement = insert.statement(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      insert.bind(statement, i * insert.columns(), rows.get(i));
    }
    statement.executeUpdate();
    insert.reset();
  }

  /** Every row as text, each column cast to VARCHAR, ordered by the first column. */
  private static List<String> text(Connection c, String table) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT * FROM (SELECT COLUMNS(*)::VARCHAR FROM " + table + ") ORDER BY 1")) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        String[] values = new String[n];
        for (int i = 0; i < n; i++) {
          values[i] = rs.getString(i + 1);
        }
        rows.add(String.join("|", Arrays.asList(values)));
      }
    }
    return rows;
  }
}

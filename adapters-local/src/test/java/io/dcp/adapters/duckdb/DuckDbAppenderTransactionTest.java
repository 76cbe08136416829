package io.dcp.adapters.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When DuckDB's appender (duckdb_jdbc 1.5) writes inside the connection's transaction, on a
 * database file with auto-commit off, as the sink's connection is.
 *
 * <p>The driver begins a transaction only when a statement runs (after a commit or a rollback there
 * is none until then), and the appender runs none: appended first, rows are committed by the
 * appender on its own. Once a statement has begun the transaction, appended rows belong to it, and
 * a rollback removes them.
 */
class DuckDbAppenderTransactionTest {
  @TempDir Path dir;

  private static final TableSchema SCHEMA = TableSchema.of(Field.of("n", FieldType.INT64));

  private Connection open() throws SQLException {
    Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("t.duckdb"));
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS t (n BIGINT)");
      s.execute("CREATE TABLE IF NOT EXISTS other (n BIGINT)");
    }
    c.commit();
    return c;
  }

  private static void appendTen(Connection c) throws SQLException {
    try (DuckDBAppender appender = c.unwrap(DuckDBConnection.class).createAppender("t")) {
      for (long n = 0; n < 10; n++) {
        appender.beginRow();
        appender.append(n);
        appender.endRow();
      }
      appender.flush();
    }
  }

  private static long count(Connection c, String table) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<Row> rows(int count) {
    List<Row> rows = new ArrayList<>();
    for (long n = 0; n < count; n++) {
      rows.add(Row.builder().set("n", n).build());
    }
    return rows;
  }

  @Test
  void rowsAppendedBeforeAnyStatementOfTheTransactionAreCommittedByTheAppenderAlone()
      throws Exception {
    try (Connection c = open()) {
      appendTen(c);
      c.rollback();

      assertThat(count(c, "t")).isEqualTo(10);
    }
  }

  @Test
  void rowsAppendedAfterAStatementBeganTheTransactionAreRolledBackWithIt() throws Exception {
    try (Connection c = open()) {
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO other VALUES (1)");
      }
      appendTen(c);
      c.rollback();

      assertThat(count(c, "t")).isZero();
      assertThat(count(c, "other")).isZero();
    }
  }

  @Test
  void rowsAppendedAfterAStatementBeganTheTransactionAreCommittedWithIt() throws Exception {
    try (Connection c = open()) {
      try (Statement s = c.createStatement()) {
        s.execute("SELECT 1");
      }
      appendTen(c);
      try (Statement s = c.createStatement()) {
        s.execute("INSERT INTO other VALUES (1)");
      }
      c.commit();
    }

    try (Connection c = open()) {
      assertThat(count(c, "t")).isEqualTo(10);
      assertThat(count(c, "other")).isEqualTo(1);
    }
  }

  @Test
  void duckDbAppendBeginsTheTransactionSoARollbackAfterACommitLeavesNoRow() throws Exception {
    try (Connection c = open()) {
      TableSchema live = DuckDbTableAdmin.read(c, TableId.local("t")).orElseThrow();
      DuckDbAppend append = new DuckDbAppend("t", live, SCHEMA);
      append.append(c, rows(3));
      c.commit();
      // The appender is the first to write after the commit: the case the driver leaves open.
      append.append(c, rows(5));
      c.rollback();

      assertThat(count(c, "t")).isEqualTo(3);
    }
  }

  @Test
  void duckDbAppendRefusesAConnectionThatCommitsOnItsOwn() throws Exception {
    try (Connection c = open()) {
      c.setAutoCommit(true);
      TableSchema live = DuckDbTableAdmin.read(c, TableId.local("t")).orElseThrow();

      assertThatThrownBy(() -> new DuckDbAppend("t", live, SCHEMA).append(c, rows(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("auto-commit");
      assertThat(count(c, "t")).isZero();
    }
  }
}

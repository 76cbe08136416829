package io.dcp.runner.standalone.process;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A DuckDB file dcp wrote, read back with plain SQL over a fresh connection per query. */
public record DuckDbFile(Path path) {
  public DuckDbFile {
    requireNonNull(path, "path");
  }

  /** The first column of every row {@code sql} returns, as text. */
  public List<String> column(String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection c = connect();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }

  /** The columns of the one row {@code sql} returns, as numbers: {@code SELECT count(*), ...}. */
  public List<Long> counts(String sql) throws SQLException {
    List<Long> values = new ArrayList<>();
    try (Connection c = connect();
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      if (!rs.next()) {
        throw new AssertionError("no row from " + sql);
      }
      for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
        values.add(rs.getLong(i));
      }
    }
    return values;
  }

  /** The single number {@code sql} returns: {@code SELECT count(*) FROM ...}. */
  public long count(String sql) throws SQLException {
    return counts(sql).get(0);
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:duckdb:" + path);
  }
}

package io.dcp.runner.standalone;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Runs one read-only SQL query against a DuckDB file, for looking at rows without a client. */
@Command(name = "query", description = "Runs a read-only SQL query against a DuckDB file.")
final class QueryCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DUCKDB_FILE")
  String file;

  @Parameters(index = "1", paramLabel = "SQL")
  String sql;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file, readOnly);
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      ResultSetMetaData meta = rs.getMetaData();
      StringBuilder header = new StringBuilder();
      for (int i = 1; i <= meta.getColumnCount(); i++) {
        header.append(i > 1 ? "\t" : "").append(meta.getColumnLabel(i));
      }
      out.println(header);
      while (rs.next()) {
        StringBuilder line = new StringBuilder();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
          line.append(i > 1 ? "\t" : "").append(rs.getString(i));
        }
        out.println(line);
      }
    } catch (java.sql.SQLException e) {
      spec.commandLine().getErr().println("query failed: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
    out.flush();
    return 0;
  }
}

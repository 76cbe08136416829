package io.dcp.runner.standalone;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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

/**
 * Runs one read-only SQL query against a DuckDB file, for looking at rows without a client: the
 * file is opened read-only with external access off, so the query can neither change the file nor
 * read or write any other.
 */
@Command(
    name = "query",
    mixinStandardHelpOptions = true,
    description = "Runs a read-only SQL query against a DuckDB file.")
final class QueryCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "DUCKDB_FILE")
  String file;

  @Parameters(index = "1", paramLabel = "SQL")
  String sql;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(Path.of(file))) {
      err.println("query: no DuckDB file " + file + ": check the path (query never creates one)");
      err.flush();
      return Main.CONFIG_ERROR;
    }
    Properties readOnly = new Properties();
    readOnly.setProperty("duckdb.read_only", "true");
    // Read-only is not enough: COPY ... TO and read_csv('/etc/passwd') reach outside the file.
    readOnly.setProperty("enable_external_access", "false");
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
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      String lower = message.toLowerCase(java.util.Locale.ROOT);
      if (lower.contains("read-only") || lower.contains("read only")) {
        message +=
            " (dcp query only reads: change tables with the duckdb shell while dcp is stopped)";
      } else if (lower.contains("external access") || lower.contains("permission error")) {
        message += " (dcp query reads only the tables of " + file + ", no other file)";
      }
      err.println("query failed: " + message);
      err.flush();
      return 1;
    }
    out.flush();
    return 0;
  }
}

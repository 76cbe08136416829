package io.dcp.adapters.duckdb;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lines of NDJSON inputs a DuckDB database has committed, so that a rerun of a file resumes:
 * table {@value #FILES} holds each tracked input's fingerprint, {@value #LINES} one row per run of
 * consecutive committed lines. Called on the warehouse's connection, under its lock.
 */
final class DuckDbLineLedger {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbLineLedger.class);
  static final String FILES = "_dcp_ndjson_files";
  static final String LINES = "_dcp_ndjson_lines";

  private final Set<String> trackedInputs = ConcurrentHashMap.newKeySet();
  private PreparedStatement rangeInsert;

  /**
   * Starts tracking the NDJSON input {@code input} (a message id is {@code input:line}): from now
   * on the line of every message of it whose rows or dead letter are committed is recorded in the
   * same transaction. Returns the lines committed so far, so that a rerun skips them; none when the
   * file's {@code fingerprint} differs from the one recorded (a new file under an old name), whose
   * old lines are forgotten. Commits.
   */
  BitSet committedLines(Connection c, String input, String fingerprint) throws SQLException {
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
          c.prepareStatement("SELECT first_line, last_line FROM " + LINES + " WHERE input = ?")) {
        select.setString(1, input);
        try (ResultSet rs = select.executeQuery()) {
          while (rs.next()) {
            committed.set(Math.toIntExact(rs.getLong(1)), Math.toIntExact(rs.getLong(2)) + 1);
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
    trackedInputs.add(input);
    return committed;
  }

  /**
   * Records, in the open transaction, the lines of tracked inputs among {@code messageIds}: one row
   * per run of consecutive lines, so a batch of a file costs about one row.
   */
  void record(Connection c, List<String> messageIds) throws SQLException {
    if (trackedInputs.isEmpty() || messageIds.isEmpty()) {
      return;
    }
    String input = null;
    long first = -1;
    long last = -1;
    for (String id : messageIds) {
      int colon = id.lastIndexOf(':');
      if (colon <= 0 || !trackedInputs.contains(id.substring(0, colon))) {
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
        insertRange(c, input, first, last);
      }
      input = name;
      first = line;
      last = line;
    }
    if (input != null) {
      insertRange(c, input, first, last);
    }
  }

  private void insertRange(Connection c, String input, long first, long last) throws SQLException {
    if (rangeInsert == null) {
      rangeInsert = c.prepareStatement("INSERT INTO " + LINES + " VALUES (?, ?, ?)");
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

  /** Closes the prepared statement, before the connection closes. */
  void close() {
    if (rangeInsert != null) {
      try {
        rangeInsert.close();
      } catch (SQLException e) {
        LOG.debug("closing a statement failed", e);
      }
      rangeInsert = null;
    }
  }
}

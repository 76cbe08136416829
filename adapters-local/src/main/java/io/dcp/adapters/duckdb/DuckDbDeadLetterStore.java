package io.dcp.adapters.duckdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.SinkException;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads back a DuckDB dead-letter table (the layout of core's {@code DeadLetterTable}) and removes
 * replayed rows by their row id, on the connection of the {@link DuckDbWarehouse} whose row sink
 * writes it.
 */
final class DuckDbDeadLetterStore implements DeadLetterStore {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final DuckDbWarehouse warehouse;
  private final TableId table;

  DuckDbDeadLetterStore(DuckDbWarehouse warehouse, TableId table) {
    this.warehouse = warehouse;
    this.table = table;
  }

  @Override
  public List<Stored> find(DeadLetterQuery query) throws SinkException {
    String sql =
        "SELECT rowid, epoch_us(\"timestamp\"), payloadBytes, to_json(attributes), message_id,"
            + " epoch_us(publish_time), ordering_key, delivery_attempt, stage, field_path, reason,"
            + " stacktrace FROM "
            + DuckDbTypes.quote(table.table())
            + " ORDER BY \"timestamp\", rowid";
    return warehouse.withConnection(
        "reading or changing dead letters",
        connection -> {
          if (!exists(connection)) {
            return List.of();
          }
          List<Stored> out = new ArrayList<>();
          try (PreparedStatement statement = connection.prepareStatement(sql);
              ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
              DeadLetter deadLetter = deadLetter(rs);
              if (query.selects(
                  deadLetter.stage(), deadLetter.errorMessage(), deadLetter.failedAt())) {
                out.add(new Stored(Long.toString(rs.getLong(1)), deadLetter));
              }
            }
          }
          return out;
        });
  }

  @Override
  public void remove(List<Stored> deadLetters) throws SinkException {
    if (deadLetters.isEmpty()) {
      return;
    }
    String sql = "DELETE FROM " + DuckDbTypes.quote(table.table()) + " WHERE rowid = ?";
    warehouse.withConnection(
        "reading or changing dead letters",
        connection -> {
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Stored stored : deadLetters) {
              statement.setLong(1, Long.parseLong(stored.key()));
              statement.executeUpdate();
            }
          }
          connection.commit();
          return null;
        });
  }

  private boolean exists(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ?")) {
      statement.setString(1, table.table());
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() && rs.getLong(1) > 0;
      }
    }
  }

  private static DeadLetter deadLetter(ResultSet rs) throws SQLException {
    Instant failedAt = micros(rs.getLong(2));
    Map<String, String> attributes = new LinkedHashMap<>();
    String attributesJson = rs.getString(4);
    if (attributesJson != null) {
      try {
        for (JsonNode entry : JSON.readTree(attributesJson)) {
          attributes.put(entry.get("key").asText(), entry.get("value").asText());
        }
      } catch (IOException e) {
        throw new SQLException("unreadable attributes: " + e.getMessage(), e);
      }
    }
    long publishMicros = rs.getLong(6);
    Instant publishTime = rs.wasNull() ? failedAt : micros(publishMicros);
    int attempt = rs.getInt(8);
    Message message =
        new Message(
            nullToEmpty(rs.getString(5)),
            rs.getBytes(3) == null ? new byte[0] : rs.getBytes(3),
            attributes,
            publishTime,
            nullToEmpty(rs.getString(7)),
            rs.wasNull() ? 0 : attempt);
    return new DeadLetter(
        message,
        Stage.valueOf(rs.getString(9).toUpperCase(Locale.ROOT)),
        nullToEmpty(rs.getString(10)),
        nullToEmpty(rs.getString(11)),
        nullToEmpty(rs.getString(12)),
        failedAt);
  }

  private static Instant micros(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  /** Holds nothing of its own: the connection belongs to the warehouse, which closes it. */
  @Override
  public void close() {}

  /** Replayed dead letters are deleted from the table. */
  @Override
  public String replayed() {
    return "left the dead-letter table";
  }
}

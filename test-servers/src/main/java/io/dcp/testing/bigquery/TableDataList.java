package io.dcp.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

/**
 * The {@code tabledata.list} answer of {@link FakeBigQueryRestServer}: one page of a table's rows
 * in BigQuery's cell format ({@code {"f":[{"v":...}]}}), every value a string as the real API sends
 * it, with {@code pageToken} and {@code totalRows}.
 */
final class TableDataList {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private TableDataList() {}

  static void respond(
      FakeBigQueryRestServer server,
      HttpExchange exchange,
      TableId table,
      JsonNode resource,
      Map<String, String> query)
      throws IOException {
    List<Row> rows = server.committedRows(table);
    long start;
    int max;
    try {
      start =
          query.containsKey("pageToken")
              ? Long.parseLong(query.get("pageToken"))
              : Long.parseLong(query.getOrDefault("startIndex", "0"));
      max = Integer.parseInt(query.getOrDefault("maxResults", "" + Integer.MAX_VALUE));
    } catch (NumberFormatException e) {
      server.error(exchange, 400, "invalid", "Invalid paging parameter: " + e.getMessage());
      return;
    }
    if (start < 0 || max < 0) {
      server.error(exchange, 400, "invalid", "Invalid paging parameter");
      return;
    }
    boolean int64Timestamps =
        Boolean.parseBoolean(query.getOrDefault("formatOptions.useInt64Timestamp", "false"));
    TableSchema schema = FakeBigQueryRestServer.coreSchema(resource.path("schema").path("fields"));
    int end = (int) Math.min(rows.size(), start + Math.min(max, server.maxPageRows()));
    ObjectNode body = server.json().createObjectNode();
    body.put("kind", "bigquery#tableDataList");
    body.put("etag", resource.path("etag").asText(""));
    body.put("totalRows", Integer.toString(rows.size()));
    if (end < rows.size()) {
      body.put("pageToken", Integer.toString(end));
    }
    if (start < end) {
      ArrayNode out = body.putArray("rows");
      for (int i = (int) start; i < end; i++) {
        out.add(record(rows.get(i), schema.fields(), int64Timestamps));
      }
    }
    server.respond(exchange, 200, body);
  }

  private static ObjectNode record(Row row, List<Field> fields, boolean int64Timestamps) {
    ObjectNode record = NODES.objectNode();
    ArrayNode cells = record.putArray("f");
    for (Field field : fields) {
      cells.addObject().set("v", cell(row.get(field.name()), field, int64Timestamps));
    }
    return record;
  }

  private static JsonNode cell(Object value, Field field, boolean int64Timestamps) {
    if (field.isRepeated()) {
      // BigQuery has no NULL arrays: an absent one is empty.
      ArrayNode array = NODES.arrayNode();
      if (value instanceof List<?> list) {
        for (Object element : list) {
          array.addObject().set("v", scalar(element, field, int64Timestamps));
        }
      }
      return array;
    }
    return value == null ? NODES.nullNode() : scalar(value, field, int64Timestamps);
  }

  private static JsonNode scalar(Object value, Field field, boolean int64Timestamps) {
    return switch (field.type()) {
      case STRUCT -> record((Row) value, field.fields(), int64Timestamps);
      case BYTES -> NODES.textNode(((Bytes) value).toBase64());
      case NUMERIC, BIGNUMERIC -> NODES.textNode(((BigDecimal) value).toPlainString());
      case TIMESTAMP -> NODES.textNode(timestamp((Instant) value, int64Timestamps));
      case TIME -> NODES.textNode(time((LocalTime) value));
      case DATETIME -> {
        LocalDateTime dateTime = (LocalDateTime) value;
        yield NODES.textNode(dateTime.toLocalDate() + "T" + time(dateTime.toLocalTime()));
      }
      default -> NODES.textNode(String.valueOf(value));
    };
  }

  /**
   * Microseconds since the epoch with {@code formatOptions.useInt64Timestamp}, else seconds in
   * BigQuery's floating-point notation ({@code 1.408452095220E9}).
   */
  private static String timestamp(Instant instant, boolean int64Timestamps) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    if (int64Timestamps) {
      return Long.toString(micros);
    }
    if (micros == 0) {
      return "0.0";
    }
    BigDecimal seconds = BigDecimal.valueOf(micros, 6).stripTrailingZeros();
    int exponent = seconds.precision() - seconds.scale() - 1;
    String mantissa = seconds.movePointLeft(exponent).toPlainString();
    return (mantissa.contains(".") ? mantissa : mantissa + ".0") + "E" + exponent;
  }

  private static String time(LocalTime time) {
    int micros = time.getNano() / 1000;
    return micros == 0
        ? CLOCK.format(time)
        : CLOCK.format(time) + "." + String.format("%06d", micros);
  }
}

package io.dcp.adapters.duckdb;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/** Renders STRUCT and LIST values as JSON text that DuckDB casts to the column's type. */
final class NestedJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

  private NestedJson() {}

  static String render(Field field, Object value) {
    try {
      return JSON.writeValueAsString(node(field, value, field.mode() == FieldMode.REPEATED));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode node(Field field, Object value, boolean repeated) {
    if (repeated) {
      ArrayNode array = NODES.arrayNode();
      for (Object element : (List<?>) value) {
        array.add(node(field, element, false));
      }
      return array;
    }
    if (field.type() == FieldType.STRUCT) {
      Row row = (Row) value;
      ObjectNode object = NODES.objectNode();
      for (Field sub : field.fields()) {
        Object v = row.get(sub.name());
        object.set(
            sub.name(),
            v == null ? NODES.nullNode() : node(sub, v, sub.mode() == FieldMode.REPEATED));
      }
      return object;
    }
    return value == null ? NODES.nullNode() : scalar(field, value);
  }

  private static JsonNode scalar(Field field, Object value) {
    if (value instanceof Instant instant) {
      return NODES.textNode(TIMESTAMP.format(instant));
    }
    if (value instanceof LocalDateTime dateTime) {
      return NODES.textNode(DATETIME.format(dateTime));
    }
    if (value instanceof LocalDate || value instanceof LocalTime) {
      return NODES.textNode(value.toString());
    }
    if (value instanceof Bytes bytes) {
      return NODES.textNode(bytes.toBase64());
    }
    if (value instanceof BigDecimal decimal) {
      return field.type() == FieldType.BIGNUMERIC
          ? NODES.textNode(decimal.toPlainString())
          : NODES.numberNode(decimal);
    }
    if (value instanceof Long l) {
      return NODES.numberNode(l);
    }
    if (value instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? NODES.textNode(d.toString()) : NODES.numberNode(d);
    }
    if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    }
    if (field.type() == FieldType.JSON) {
      try {
        return JSON.readTree((String) value);
      } catch (JsonProcessingException e) {
        return NODES.textNode((String) value);
      }
    }
    return NODES.textNode(value.toString());
  }
}

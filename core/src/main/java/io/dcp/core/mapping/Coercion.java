package io.dcp.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.dcp.core.model.Bytes;
import io.dcp.core.schema.FieldType;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * Turns one JSON scalar into the Java value of a BigQuery column type, following BigQuery's JSON
 * ingestion rules (and the Storage Write client's {@code JsonToProtoMessage}) rather than Java's:
 * integers are range-checked, decimals keep their exact digits and are never rounded, times keep
 * microseconds and refuse finer precision.
 */
final class Coercion {
  private static final Instant MIN_TIMESTAMP = Instant.parse("0001-01-01T00:00:00Z");
  private static final Instant MAX_TIMESTAMP = Instant.parse("9999-12-31T23:59:59.999999Z");

  /**
   * The longest number text read, as a JSON number or a numeric string: Jackson's own limit, which
   * the parser enforces on JSON numbers. Every number is judged at a cost bounded by its text,
   * never by the size its exponent implies.
   */
  static final int MAX_NUMBER_TEXT =
      com.fasterxml.jackson.core.StreamReadConstraints.DEFAULT_MAX_NUM_LEN;

  private Coercion() {}

  /** Coerces a non-null, non-container JSON value (or any value for JSON/GEOGRAPHY columns). */
  static Object scalar(FieldType type, JsonNode node, Object path) {
    return switch (type) {
      case STRING -> string(node, path);
      case INT64 -> NumberCoercion.int64(node, path);
      case FLOAT64 -> NumberCoercion.float64(node, path);
      case NUMERIC -> NumberCoercion.numeric(node, path, false);
      case BIGNUMERIC -> NumberCoercion.numeric(node, path, true);
      case BOOL -> bool(node, path);
      case TIMESTAMP -> timestamp(node, path);
      case DATE -> civil(node, path, type);
      case TIME -> civil(node, path, type);
      case DATETIME -> civil(node, path, type);
      case BYTES -> bytes(node, path);
      case JSON -> json(node, path);
      case GEOGRAPHY -> node.isTextual() ? node.textValue() : geography(node, path);
      case STRUCT -> throw new IllegalStateException("records are mapped by the mapper");
    };
  }

  /** Coerces text from an attribute or metadata value as if it were a JSON string. */
  static Object text(FieldType type, String text, Object path) {
    return scalar(type, com.fasterxml.jackson.databind.node.TextNode.valueOf(text), path);
  }

  /**
   * The compact text of a JSON column's value. BigQuery's JSON type holds a number as INT64, UINT64
   * or FLOAT64, so a number beyond FLOAT64's range ({@code 1e999}) is refused here rather than by
   * the warehouse.
   */
  static String json(JsonNode node, Object path) {
    checkJsonNumbers(node, path);
    return node.toString();
  }

  /** Refuses, at any depth of {@code node}, a number a BigQuery JSON value cannot hold. */
  static void checkJsonNumbers(JsonNode node, Object path) {
    if (node.isContainerNode()) {
      for (JsonNode child : node) {
        checkJsonNumbers(child, path);
      }
    } else if ((node.isBigDecimal() || node.isBigInteger())
        && Double.isInfinite(node.doubleValue())) {
      throw new Rejection(
          path, show(node) + " is out of FLOAT64 range, the widest number of a JSON column");
    }
  }

  static Rejection notA(JsonNode node, String what, Object path) {
    return new Rejection(path, show(node) + " is not " + what);
  }

  private static String string(JsonNode node, Object path) {
    if (node.isTextual()) {
      return node.textValue();
    }
    if (node.isNumber()) {
      if (!node.isBigDecimal()) {
        return node.asText();
      }
      BigDecimal value = node.decimalValue();
      if (NumberCoercion.plainLength(value) > MAX_NUMBER_TEXT) {
        throw new Rejection(
            path,
            show(node)
                + " is over "
                + MAX_NUMBER_TEXT
                + " characters as a STRING (a number goes in as its plain text; send the text as"
                + " a JSON string)");
      }
      return value.toPlainString();
    }
    if (node.isBoolean()) {
      return node.asText();
    }
    throw notA(node, "a STRING", path);
  }

  private static Boolean bool(JsonNode node, Object path) {
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      // BigQuery's documented pairs, in any case: true/false, t/f, yes/no, y/n, 1/0.
      switch (node.textValue().toLowerCase(Locale.ROOT)) {
        case "true", "t", "yes", "y", "1":
          return Boolean.TRUE;
        case "false", "f", "no", "n", "0":
          return Boolean.FALSE;
        default:
          break;
      }
    }
    throw notA(node, "a BOOL", path);
  }

  private static Instant timestamp(JsonNode node, Object path) {
    Instant value;
    if (node.isIntegralNumber()) {
      // A number is microseconds since the epoch, as the Storage Write API takes it.
      if (!node.canConvertToLong()) {
        throw new Rejection(path, show(node) + " is out of TIMESTAMP range");
      }
      long micros = node.longValue();
      value = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
    } else if (node.isTextual()) {
      try {
        value = TimeText.timestamp(node.textValue());
      } catch (IllegalArgumentException e) {
        throw new Rejection(path, show(node) + " " + e.getMessage());
      }
      if (value == null) {
        throw notA(node, "a TIMESTAMP (expected YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][zone])", path);
      }
    } else {
      throw notA(node, "a TIMESTAMP", path);
    }
    if (value.isBefore(MIN_TIMESTAMP) || value.isAfter(MAX_TIMESTAMP)) {
      throw new Rejection(
          path, show(node) + " is out of TIMESTAMP range (0001-01-01 to 9999-12-31)");
    }
    return value;
  }

  private static Object civil(JsonNode node, Object path, FieldType type) {
    if (!node.isTextual()) {
      throw notA(node, "a " + type, path);
    }
    String text = node.textValue();
    Object value;
    try {
      value =
          switch (type) {
            case DATE -> TimeText.date(text);
            case TIME -> TimeText.time(text);
            default -> TimeText.dateTime(text);
          };
    } catch (IllegalArgumentException e) {
      throw new Rejection(path, show(node) + " " + e.getMessage());
    }
    if (value == null) {
      String form =
          switch (type) {
            case DATE -> "YYYY-MM-DD";
            case TIME -> "HH:MM:SS[.ffffff]";
            default -> "YYYY-MM-DD[T| ]HH:MM:SS[.ffffff]";
          };
      throw notA(node, "a " + type + " (expected " + form + ")", path);
    }
    return value;
  }

  private static Bytes bytes(JsonNode node, Object path) {
    if (node.isTextual()) {
      try {
        return Bytes.fromBase64(node.textValue());
      } catch (IllegalArgumentException e) {
        throw new Rejection(path, show(node) + " is not valid base64 for BYTES");
      }
    }
    throw notA(node, "BYTES (a base64 string)", path);
  }

  private static String geography(JsonNode node, Object path) {
    if (node.isObject()) {
      return node.toString(); // GeoJSON geometry
    }
    throw notA(node, "a GEOGRAPHY (WKT text or a GeoJSON object)", path);
  }

  /** The value as it appeared in JSON, shortened so a huge value cannot flood a reason. */
  static String show(JsonNode node) {
    String text = node.toString();
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}

package io.dcp.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.dcp.core.model.Bytes;
import io.dcp.core.schema.FieldType;
import java.math.BigDecimal;
import java.math.BigInteger;
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
  private static final BigDecimal NUMERIC_MAX =
      new BigDecimal("99999999999999999999999999999.999999999");
  private static final BigDecimal BIGNUMERIC_MAX =
      new BigDecimal(
          "578960446186580977117854925043439539266.34992332820282019728792003956564819967");
  private static final BigDecimal BIGNUMERIC_MIN =
      new BigDecimal(
          "-578960446186580977117854925043439539266.34992332820282019728792003956564819968");
  private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);
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
      case INT64 -> int64(node, path);
      case FLOAT64 -> float64(node, path);
      case NUMERIC -> numeric(node, path, false);
      case BIGNUMERIC -> numeric(node, path, true);
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
      if (plainLength(value) > MAX_NUMBER_TEXT) {
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

  private static Long int64(JsonNode node, Object path) {
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong()) {
        return node.longValue();
      }
      throw new Rejection(path, show(node) + " is out of INT64 range");
    }
    if (node.isFloatingPointNumber()) {
      BigDecimal value = node.decimalValue();
      if (value.signum() == 0) {
        return 0L;
      }
      if (value.stripTrailingZeros().scale() > 0) {
        throw new Rejection(path, show(node) + " is not an INT64 (it has a fraction)");
      }
      if (integerDigits(value) > 19) {
        throw new Rejection(path, show(node) + " is out of INT64 range");
      }
      return checkedLong(value.toBigInteger(), node, path);
    }
    if (node.isTextual()) {
      String text = node.textValue();
      if (isDecimalText(text, false)) {
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException e) {
          if (significantDigits(text) > 19) {
            throw new Rejection(path, show(node) + " is out of INT64 range");
          }
          return checkedLong(
              new BigInteger(text.startsWith("+") ? text.substring(1) : text), node, path);
        }
      }
    }
    throw notA(node, "an INT64", path);
  }

  private static long checkedLong(BigInteger value, JsonNode node, Object path) {
    if (value.compareTo(LONG_MIN) < 0 || value.compareTo(LONG_MAX) > 0) {
      throw new Rejection(path, show(node) + " is out of INT64 range");
    }
    return value.longValue();
  }

  private static Double float64(JsonNode node, Object path) {
    if (node.isNumber()) {
      double value = node.doubleValue();
      if (Double.isInfinite(value)) {
        throw new Rejection(path, show(node) + " is out of FLOAT64 range");
      }
      return value;
    }
    if (node.isTextual()) {
      String text = node.textValue();
      switch (text) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
        case "+Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          break;
      }
      if (isDecimalText(text, true)) {
        double value = Double.parseDouble(longestNumber(node, path));
        if (Double.isInfinite(value)) {
          throw new Rejection(path, show(node) + " is out of FLOAT64 range");
        }
        return value;
      }
    }
    throw notA(node, "a FLOAT64", path);
  }

  private static BigDecimal numeric(JsonNode node, Object path, boolean big) {
    BigDecimal value;
    if (node.isNumber()) {
      if (node.isDouble() || node.isFloat()) {
        // Only with a non-decimal node factory; kept exact via the double's shortest text.
        value = new BigDecimal(node.asText());
      } else {
        value = node.decimalValue();
      }
    } else if (node.isTextual() && isDecimalText(node.textValue(), true)) {
      try {
        value = new BigDecimal(longestNumber(node, path));
      } catch (NumberFormatException e) {
        // An exponent past what a decimal's scale holds: "1e99999999999".
        throw new Rejection(
            path, show(node) + " is out of " + (big ? "BIGNUMERIC" : "NUMERIC") + " range");
      }
    } else {
      throw notA(node, big ? "a BIGNUMERIC" : "a NUMERIC", path);
    }
    if (value.signum() != 0 && integerDigits(value) > (big ? 39 : 29)) {
      // Decided before any scaling: 1e999999999 would otherwise take minutes or overflow.
      throw new Rejection(
          path, show(node) + " is out of " + (big ? "BIGNUMERIC" : "NUMERIC") + " range");
    }
    value = value.stripTrailingZeros();
    if (value.scale() < 0) {
      value = value.setScale(0);
    }
    int maxScale = big ? 38 : 9;
    if (value.scale() > maxScale) {
      throw new Rejection(
          path,
          show(node)
              + " has more than "
              + maxScale
              + " digits after the decimal point ("
              + (big ? "BIGNUMERIC" : "NUMERIC")
              + " does not round)");
    }
    boolean inRange =
        big
            ? value.compareTo(BIGNUMERIC_MIN) >= 0 && value.compareTo(BIGNUMERIC_MAX) <= 0
            : value.abs().compareTo(NUMERIC_MAX) <= 0;
    if (!inRange) {
      throw new Rejection(
          path, show(node) + " is out of " + (big ? "BIGNUMERIC" : "NUMERIC") + " range");
    }
    return value;
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

  /**
   * The digits left of the decimal point of a non-zero {@code value} (0 or less below 1), from its
   * precision and scale alone: never by scaling it.
   */
  private static long integerDigits(BigDecimal value) {
    return (long) value.precision() - value.scale();
  }

  /** The length of {@code value.toPlainString()}, without making it. */
  private static long plainLength(BigDecimal value) {
    long precision = value.precision();
    long scale = value.scale();
    long digits = scale <= 0 ? precision - scale : Math.max(precision, scale + 1) + 1;
    return digits + (value.signum() < 0 ? 1 : 0);
  }

  /** Digits of integer text after its sign and leading zeros. */
  private static int significantDigits(String text) {
    int i = text.startsWith("+") || text.startsWith("-") ? 1 : 0;
    while (i < text.length() - 1 && text.charAt(i) == '0') {
      i++;
    }
    return text.length() - i;
  }

  /** The text of a numeric string, refused when longer than a JSON number may be. */
  private static String longestNumber(JsonNode node, Object path) {
    String text = node.textValue();
    if (text.length() > MAX_NUMBER_TEXT) {
      throw new Rejection(
          path,
          show(node)
              + " is a number of "
              + text.length()
              + " characters, over the limit of "
              + MAX_NUMBER_TEXT);
    }
    return text;
  }

  /**
   * Plain decimal text: optional sign, digits, and with {@code fraction} a fraction and exponent.
   */
  static boolean isDecimalText(String s, boolean fraction) {
    int i = 0;
    int n = s.length();
    if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
      i++;
    }
    int digits = 0;
    while (i < n && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
      i++;
      digits++;
    }
    if (!fraction) {
      return digits > 0 && i == n;
    }
    if (i < n && s.charAt(i) == '.') {
      i++;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
      i++;
      if (i < n && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
        i++;
      }
      int exponent = 0;
      while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
        i++;
        exponent++;
      }
      if (exponent == 0) {
        return false;
      }
    }
    return i == n;
  }

  /** The value as it appeared in JSON, shortened so a huge value cannot flood a reason. */
  static String show(JsonNode node) {
    String text = node.toString();
    return text.length() <= 80 ? text : text.substring(0, 77) + "...";
  }
}

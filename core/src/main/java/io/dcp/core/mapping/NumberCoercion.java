package io.dcp.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * The number half of {@link Coercion}: INT64, FLOAT64, NUMERIC and BIGNUMERIC from JSON numbers and
 * numeric strings, as BigQuery reads them: integers range-checked, decimals exact and never
 * rounded, every number judged at a cost bounded by its text.
 */
final class NumberCoercion {
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

  private NumberCoercion() {}

  static Long int64(JsonNode node, Object path) {
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong()) {
        return node.longValue();
      }
      throw new Rejection(path, Coercion.show(node) + " is out of INT64 range");
    }
    if (node.isFloatingPointNumber()) {
      BigDecimal value = node.decimalValue();
      if (value.signum() == 0) {
        return 0L;
      }
      if (value.stripTrailingZeros().scale() > 0) {
        throw new Rejection(path, Coercion.show(node) + " is not an INT64 (it has a fraction)");
      }
      if (integerDigits(value) > 19) {
        throw new Rejection(path, Coercion.show(node) + " is out of INT64 range");
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
            throw new Rejection(path, Coercion.show(node) + " is out of INT64 range");
          }
          return checkedLong(
              new BigInteger(text.startsWith("+") ? text.substring(1) : text), node, path);
        }
      }
    }
    throw Coercion.notA(node, "an INT64", path);
  }

  private static long checkedLong(BigInteger value, JsonNode node, Object path) {
    if (value.compareTo(LONG_MIN) < 0 || value.compareTo(LONG_MAX) > 0) {
      throw new Rejection(path, Coercion.show(node) + " is out of INT64 range");
    }
    return value.longValue();
  }

  static Double float64(JsonNode node, Object path) {
    if (node.isNumber()) {
      double value = node.doubleValue();
      if (Double.isInfinite(value)) {
        throw new Rejection(path, Coercion.show(node) + " is out of FLOAT64 range");
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
          throw new Rejection(path, Coercion.show(node) + " is out of FLOAT64 range");
        }
        return value;
      }
    }
    throw Coercion.notA(node, "a FLOAT64", path);
  }

  static BigDecimal numeric(JsonNode node, Object path, boolean big) {
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
            path,
            Coercion.show(node) + " is out of " + (big ? "BIGNUMERIC" : "NUMERIC") + " range");
      }
    } else {
      throw Coercion.notA(node, big ? "a BIGNUMERIC" : "a NUMERIC", path);
    }
    if (value.signum() != 0 && integerDigits(value) > (big ? 39 : 29)) {
      // Decided before any scaling: 1e999999999 would otherwise take minutes or overflow.
      throw new Rejection(
          path, Coercion.show(node) + " is out of " + (big ? "BIGNUMERIC" : "NUMERIC") + " range");
    }
    value = value.stripTrailingZeros();
    if (value.scale() < 0) {
      value = value.setScale(0);
    }
    int maxScale = big ? 38 : 9;
    if (value.scale() > maxScale) {
      throw new Rejection(
          path,
          Coercion.show(node)
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
          path, Coercion.show(node) + " is out of " + (big ? "BIGNUMERIC" : "NUMERIC") + " range");
    }
    return value;
  }

  /**
   * The digits left of the decimal point of a non-zero {@code value} (0 or less below 1), from its
   * precision and scale alone: never by scaling it.
   */
  private static long integerDigits(BigDecimal value) {
    return (long) value.precision() - value.scale();
  }

  /** The length of {@code value.toPlainString()}, without making it. */
  static long plainLength(BigDecimal value) {
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
    if (text.length() > Coercion.MAX_NUMBER_TEXT) {
      throw new Rejection(
          path,
          Coercion.show(node)
              + " is a number of "
              + text.length()
              + " characters, over the limit of "
              + Coercion.MAX_NUMBER_TEXT);
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
}

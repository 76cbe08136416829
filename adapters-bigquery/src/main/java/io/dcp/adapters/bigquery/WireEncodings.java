package io.dcp.adapters.bigquery;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * The Storage Write API's protobuf encodings of BigQuery values that are not plain protobuf
 * scalars: epoch micros, packed civil times and scaled little-endian decimals.
 */
final class WireEncodings {
  private static final BigInteger NUMERIC_LIMIT = BigInteger.TEN.pow(38);
  private static final int BIGNUMERIC_BITS = 255;

  private WireEncodings() {}

  /** TIMESTAMP: microseconds since the epoch; sub-microsecond digits are dropped. */
  static long epochMicros(Instant instant) {
    return Math.addExact(
        Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
  }

  /** TIME: hour(5) minute(6) second(6) micros(20) bits, the layout of BigQuery's CivilTime. */
  static long packedTime(LocalTime time) {
    long seconds = ((long) time.getHour() << 12) | (time.getMinute() << 6) | time.getSecond();
    return (seconds << 20) | (time.getNano() / 1000);
  }

  /** DATETIME: year(14) month(4) day(5) then the TIME layout. */
  static long packedDatetime(LocalDateTime dt) {
    if (dt.getYear() < 1 || dt.getYear() > 9999) {
      throw new IllegalArgumentException("DATETIME year out of range 1..9999: " + dt);
    }
    long seconds =
        ((long) dt.getYear() << 26)
            | ((long) dt.getMonthValue() << 22)
            | ((long) dt.getDayOfMonth() << 17)
            | ((long) dt.getHour() << 12)
            | (dt.getMinute() << 6)
            | dt.getSecond();
    return (seconds << 20) | (dt.getNano() / 1000);
  }

  /** NUMERIC: the value times 10^9 as little-endian two's complement. */
  static byte[] numeric(BigDecimal value) {
    BigInteger unscaled = scaled(value, 9, "NUMERIC");
    if (unscaled.abs().compareTo(NUMERIC_LIMIT) >= 0) {
      throw new IllegalArgumentException("NUMERIC out of range (38 digits, 9 decimals): " + value);
    }
    return littleEndian(unscaled);
  }

  /** BIGNUMERIC: the value times 10^38 as little-endian two's complement (at most 32 bytes). */
  static byte[] bigNumeric(BigDecimal value) {
    BigInteger unscaled = scaled(value, 38, "BIGNUMERIC");
    if (unscaled.bitLength() > BIGNUMERIC_BITS) {
      throw new IllegalArgumentException("BIGNUMERIC out of range: " + value);
    }
    return littleEndian(unscaled);
  }

  private static BigInteger scaled(BigDecimal value, int scale, String type) {
    try {
      return value.setScale(scale, RoundingMode.UNNECESSARY).unscaledValue();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          type + " allows " + scale + " digits after the decimal point: " + value, e);
    }
  }

  private static byte[] littleEndian(BigInteger value) {
    byte[] bytes = value.toByteArray();
    for (int i = 0, j = bytes.length - 1; i < j; i++, j--) {
      byte b = bytes[i];
      bytes[i] = bytes[j];
      bytes[j] = b;
    }
    return bytes;
  }
}

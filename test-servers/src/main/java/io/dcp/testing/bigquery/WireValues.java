package io.dcp.testing.bigquery;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * Decodes the Storage Write API's protobuf encodings of BigQuery values, as the service reads them.
 *
 * <p>Written independently of the sink's encoder so a round trip through the fake checks the
 * encoder against the documented layout, not against itself.
 */
final class WireValues {
  private WireValues() {}

  /** TIMESTAMP: int64 microseconds since the epoch. */
  static Instant timestamp(long epochMicros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000L);
  }

  /** DATE: int32 days since 1970-01-01. */
  static LocalDate date(int epochDays) {
    return LocalDate.ofEpochDay(epochDays);
  }

  /** TIME: packed hour(5) minute(6) second(6) micros(20), low bits last. */
  static LocalTime time(long packed) {
    int micros = (int) (packed & 0xFFFFF);
    long seconds = packed >>> 20;
    int second = (int) (seconds & 0x3F);
    int minute = (int) ((seconds >>> 6) & 0x3F);
    int hour = (int) ((seconds >>> 12) & 0x1F);
    return LocalTime.of(hour, minute, second, micros * 1000);
  }

  /** DATETIME: packed year(14) month(4) day(5) hour(5) minute(6) second(6) micros(20). */
  static LocalDateTime datetime(long packed) {
    int micros = (int) (packed & 0xFFFFF);
    long seconds = packed >>> 20;
    int second = (int) (seconds & 0x3F);
    int minute = (int) ((seconds >>> 6) & 0x3F);
    int hour = (int) ((seconds >>> 12) & 0x1F);
    int day = (int) ((seconds >>> 17) & 0x1F);
    int month = (int) ((seconds >>> 22) & 0xF);
    int year = (int) ((seconds >>> 26) & 0x3FFF);
    return LocalDateTime.of(year, month, day, hour, minute, second, micros * 1000);
  }

  /** NUMERIC (scale 9) and BIGNUMERIC (scale 38): little-endian two's complement, scaled. */
  static BigDecimal decimal(byte[] littleEndian, int scale) {
    byte[] bigEndian = new byte[littleEndian.length];
    for (int i = 0; i < littleEndian.length; i++) {
      bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
    }
    BigDecimal value = new BigDecimal(new BigInteger(bigEndian), scale).stripTrailingZeros();
    return value.scale() < 0 ? value.setScale(0) : value;
  }
}

package io.dcp.core.mapping;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Parses BigQuery's date and time text forms by hand: faster than formatters and precise about what
 * is accepted.
 *
 * <ul>
 *   <li>DATE {@code YYYY-MM-DD}
 *   <li>TIME {@code HH:MM:SS[.ffffff]}
 *   <li>DATETIME {@code YYYY-MM-DD[T| ]HH:MM:SS[.ffffff]}
 *   <li>TIMESTAMP {@code YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]]} (the date also {@code YYYY/MM/DD};
 *       seconds optional, as BigQuery's JSON loading takes them) followed by an optional zone:
 *       {@code Z}, {@code UTC}, {@code ±HH[:MM]} or {@code ±HHMM}, with or without a space before
 *       it; no zone means UTC
 * </ul>
 *
 * Each method returns null when the text is not of its form, and throws {@link
 * IllegalArgumentException} with a reason when the form is right but a part is not (13th month,
 * more than 6 fractional digits).
 */
final class TimeText {
  private TimeText() {}

  static LocalDate date(String s) {
    if (s.length() != 10) {
      return null;
    }
    return parseDate(s, 0);
  }

  static LocalTime time(String s) {
    Cursor c = new Cursor(s, 0);
    LocalTime time = parseTime(c, false);
    return time != null && c.pos == s.length() ? time : null;
  }

  static LocalDateTime dateTime(String s) {
    Cursor c = new Cursor(s, 0);
    LocalDateTime dt = parseDateTime(c, false);
    if (dt == null) {
      return null;
    }
    if (c.pos != s.length()) {
      throw new IllegalArgumentException(
          "has a time zone or trailing text; DATETIME is civil time");
    }
    return dt;
  }

  static Instant timestamp(String s) {
    Instant common = commonTimestamp(s);
    if (common != null) {
      return common;
    }
    Cursor c = new Cursor(s, 0);
    LocalDateTime dt = parseDateTime(c, true);
    if (dt == null) {
      return null;
    }
    ZoneOffset offset = parseZone(c);
    if (offset == null || c.pos != s.length()) {
      return null;
    }
    return dt.toInstant(offset);
  }

  /**
   * The common form, {@code YYYY-MM-DD[T| ]HH:MM:SS[.ffffff]} and {@code Z} or {@code ±HH:MM}, or
   * no zone, computed without building civil-time values: null for any other text or any part out
   * of its range, which the full rules then judge (and word).
   */
  private static Instant commonTimestamp(String s) {
    int n = s.length();
    if (n < 20
        || s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return null;
    }
    char sep = s.charAt(10);
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if ((sep != 'T' && sep != 't' && sep != ' ')
        || year < 1
        || month < 1
        || month > 12
        || day < 1
        || day > monthLength(year, month)
        || hour < 0
        || hour > 23
        || minute < 0
        || minute > 59
        || second < 0
        || second > 59) {
      return null;
    }
    int pos = 19;
    int nanos = 0;
    if (s.charAt(pos) == '.') {
      int start = ++pos;
      while (pos < n && pos - start < 7 && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
      int count = pos - start;
      if (count == 0 || count > 6) {
        return null;
      }
      nanos = digits(s, start, count);
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    int offset;
    char zone = pos < n ? s.charAt(pos) : ' ';
    if (pos == n || (pos == n - 1 && (zone == 'Z' || zone == 'z'))) {
      offset = 0;
    } else if (pos == n - 6 && (zone == '+' || zone == '-') && s.charAt(pos + 3) == ':') {
      int hours = digits(s, pos + 1, 2);
      int minutes = digits(s, pos + 4, 2);
      if (hours < 0 || hours > 17 || minutes < 0 || minutes > 59) {
        return null;
      }
      offset = (zone == '-' ? -1 : 1) * (hours * 3600 + minutes * 60);
    } else {
      return null;
    }
    long seconds = epochDay(year, month, day) * 86_400L + hour * 3600 + minute * 60 + second;
    return Instant.ofEpochSecond(seconds - offset, nanos);
  }

  private static int monthLength(int year, int month) {
    return switch (month) {
      case 2 -> isLeap(year) ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  private static boolean isLeap(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  }

  /** Days from 1970-01-01 to a valid date of years 1 to 9999, as {@code LocalDate} counts them. */
  private static long epochDay(int year, int month, int day) {
    long total = 365L * year + (year + 3) / 4 - (year + 99) / 100 + (year + 399) / 400;
    total += (367 * month - 362) / 12 + day - 1;
    if (month > 2) {
      total -= isLeap(year) ? 1 : 2;
    }
    return total - 719_528L;
  }

  /** With {@code timestamp}, also a {@code YYYY/MM/DD} date and a time without seconds. */
  private static LocalDateTime parseDateTime(Cursor c, boolean timestamp) {
    if (c.s.length() < (timestamp ? 16 : 19)) {
      return null;
    }
    LocalDate date = parseDate(c.s, 0, timestamp ? '/' : '-');
    char sep = c.s.charAt(10);
    if (date == null || (sep != 'T' && sep != 't' && sep != ' ')) {
      return null;
    }
    c.pos = 11;
    LocalTime time = parseTime(c, timestamp);
    return time == null ? null : LocalDateTime.of(date, time);
  }

  private static LocalDate parseDate(String s, int at) {
    return parseDate(s, at, '-');
  }

  /** A date with {@code -} separators, or both separators {@code other}. */
  private static LocalDate parseDate(String s, int at, char other) {
    if (s.length() < at + 10) {
      return null;
    }
    char first = s.charAt(at + 4);
    if ((first != '-' && first != other) || s.charAt(at + 7) != first) {
      return null;
    }
    int year = digits(s, at, 4);
    int month = digits(s, at + 5, 2);
    int day = digits(s, at + 8, 2);
    if (year < 0 || month < 0 || day < 0) {
      return null;
    }
    if (year == 0) {
      throw new IllegalArgumentException("is before 0001-01-01");
    }
    try {
      return LocalDate.of(year, month, day);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("is not a valid date (" + e.getMessage() + ")");
    }
  }

  /** {@code HH:MM:SS[.ffffff]}; with {@code optionalSeconds} also {@code HH:MM}. */
  private static LocalTime parseTime(Cursor c, boolean optionalSeconds) {
    String s = c.s;
    int at = c.pos;
    boolean withSeconds = s.length() >= at + 6 && s.charAt(at + 5) == ':';
    if (optionalSeconds && !withSeconds && s.length() >= at + 5 && s.charAt(at + 2) == ':') {
      int hour = digits(s, at, 2);
      int minute = digits(s, at + 3, 2);
      if (hour < 0 || minute < 0 || (s.length() > at + 5 && s.charAt(at + 5) == '.')) {
        return null;
      }
      if (hour > 23 || minute > 59) {
        throw new IllegalArgumentException("is not a valid time of day");
      }
      c.pos = at + 5;
      return LocalTime.of(hour, minute);
    }
    if (s.length() < at + 8 || s.charAt(at + 2) != ':' || s.charAt(at + 5) != ':') {
      return null;
    }
    int hour = digits(s, at, 2);
    int minute = digits(s, at + 3, 2);
    int second = digits(s, at + 6, 2);
    if (hour < 0 || minute < 0 || second < 0) {
      return null;
    }
    if (hour > 23 || minute > 59 || second > 59) {
      throw new IllegalArgumentException("is not a valid time of day");
    }
    c.pos = at + 8;
    int nanos = 0;
    if (c.pos < s.length() && s.charAt(c.pos) == '.') {
      int start = ++c.pos;
      while (c.pos < s.length() && Character.isDigit(s.charAt(c.pos))) {
        c.pos++;
      }
      int count = c.pos - start;
      if (count == 0) {
        return null;
      }
      if (count > 6) {
        throw new IllegalArgumentException("has more than 6 fractional digits (microseconds)");
      }
      nanos = digits(s, start, count);
      for (int k = count; k < 9; k++) {
        nanos *= 10;
      }
    }
    return LocalTime.of(hour, minute, second, nanos);
  }

  private static ZoneOffset parseZone(Cursor c) {
    String s = c.s;
    if (c.pos < s.length() && s.charAt(c.pos) == ' ') {
      c.pos++;
    }
    if (c.pos == s.length()) {
      return c.s.charAt(c.pos - 1) == ' ' ? null : ZoneOffset.UTC;
    }
    String rest = s.substring(c.pos);
    if (rest.equals("Z") || rest.equals("z") || rest.equals("UTC")) {
      c.pos = s.length();
      return ZoneOffset.UTC;
    }
    char sign = rest.charAt(0);
    if (sign != '+' && sign != '-') {
      return null;
    }
    int hours;
    int minutes = 0;
    if (rest.length() == 3) {
      hours = digits(rest, 1, 2);
    } else if (rest.length() == 6 && rest.charAt(3) == ':') {
      hours = digits(rest, 1, 2);
      minutes = digits(rest, 4, 2);
    } else if (rest.length() == 5) {
      hours = digits(rest, 1, 2);
      minutes = digits(rest, 3, 2);
    } else {
      return null;
    }
    if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59) {
      return null;
    }
    c.pos = s.length();
    int total = hours * 3600 + minutes * 60;
    return ZoneOffset.ofTotalSeconds(sign == '-' ? -total : total);
  }

  /** Reads {@code count} ASCII digits at {@code at}; -1 if any is not a digit. */
  private static int digits(String s, int at, int count) {
    int value = 0;
    for (int i = at; i < at + count; i++) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        return -1;
      }
      value = value * 10 + (ch - '0');
    }
    return value;
  }

  private static final class Cursor {
    final String s;
    int pos;

    Cursor(String s, int pos) {
      this.s = s;
      this.pos = pos;
    }
  }
}

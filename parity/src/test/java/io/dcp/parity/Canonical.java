package io.dcp.parity;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One text per value, whichever side it comes from: the standalone runner's rows as the BigQuery
 * test server decoded them (core types: {@code Instant}, {@code BigDecimal}, {@code Bytes}, ...)
 * and the Beam job's rows as Beam's BigQuery test services rendered them (TIMESTAMP as {@code
 * 2026-11-24 T13:04:12.012054}, NUMERIC as text, ...), read back from JSON. A timestamp becomes
 * microseconds since the epoch, a decimal its plain text without trailing zeros, and so on; what
 * differs in value stays different.
 */
final class Canonical {
  private Canonical() {}

  /** The row's columns of {@code fields}, except {@code skipped}, as canonical text, sorted. */
  static Map<String, Object> row(Map<String, ?> values, List<Field> fields, Set<String> skipped) {
    Map<String, Object> out = new TreeMap<>();
    for (Field field : fields) {
      if (skipped.contains(field.name())) {
        continue;
      }
      Object value = null;
      for (Map.Entry<String, ?> e : values.entrySet()) {
        if (e.getKey().equalsIgnoreCase(field.name())) {
          value = e.getValue();
        }
      }
      if (value == null || (field.isRepeated() && ((List<?>) value).isEmpty())) {
        continue;
      }
      if (field.isRepeated()) {
        List<Object> list = new ArrayList<>();
        for (Object element : (List<?>) value) {
          list.add(scalar(field, element));
        }
        out.put(field.name(), list);
      } else {
        out.put(field.name(), scalar(field, value));
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object scalar(Field field, Object value) {
    String text = value.toString();
    return switch (field.type()) {
      case STRUCT ->
          row(
              value instanceof Row r ? r.values() : (Map<String, ?>) value,
              field.fields(),
              Set.of());
      case TIMESTAMP -> {
        Instant instant =
            value instanceof Instant i
                ? i
                : Instant.parse(
                    text.replace(" T", "T").replace(' ', 'T') + (text.endsWith("Z") ? "" : "Z"));
        yield Long.toString(instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000);
      }
      case DATE -> LocalDate.parse(text).toString();
      case TIME -> LocalTime.parse(text).toString();
      case DATETIME -> LocalDateTime.parse(text.replace(' ', 'T')).toString();
      case NUMERIC, BIGNUMERIC -> {
        BigDecimal d = new BigDecimal(text).stripTrailingZeros();
        yield d.signum() == 0 ? "0" : d.toPlainString();
      }
      case FLOAT64 ->
          Double.toString(
              value instanceof Number n
                  ? n.doubleValue()
                  : Double.parseDouble(text.replace("∞", "Infinity")));
      case INT64 -> Long.toString(Long.parseLong(text));
      case BOOL -> Boolean.toString(Boolean.parseBoolean(text));
      case BYTES -> value instanceof Bytes b ? b.toBase64() : text;
      default -> text;
    };
  }
}

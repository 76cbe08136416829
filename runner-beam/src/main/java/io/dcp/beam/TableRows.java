package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
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
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;

/**
 * Turns core rows into BigQuery {@link TableRow}s in the value forms BigQueryIO's Storage Write
 * path parses: timestamps, dates and times as BigQuery's canonical text with microseconds, NUMERIC
 * as plain decimal text, BYTES as base64, RECORD as a nested TableRow, REPEATED as a list. The same
 * rows, written as JSON, are the local mode's output.
 */
final class TableRows {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter DATETIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSSSSS");

  private TableRows() {}

  /** Returns {@code row} as one line of JSON. */
  static String json(TableRow row) {
    return BigQueryHelpers.toJsonString(row);
  }

  /** Converts {@code row}, whose columns are {@code fields}; absent (null) columns stay absent. */
  static TableRow of(Row row, List<Field> fields) {
    TableRow out = new TableRow();
    for (Field field : fields) {
      Object value = row.get(field.name());
      if (value != null) {
        out.set(field.name(), value(field, value));
      }
    }
    return out;
  }

  private static Object value(Field field, Object value) {
    if (field.mode() == FieldMode.REPEATED) {
      List<Object> out = new ArrayList<>();
      for (Object element : (List<?>) value) {
        out.add(scalar(field, element));
      }
      return out;
    }
    return scalar(field, value);
  }

  private static Object scalar(Field field, Object value) {
    if (field.type() == FieldType.STRUCT) {
      return of((Row) value, field.fields());
    }
    if (value instanceof Instant instant) {
      return TIMESTAMP.format(instant);
    }
    if (value instanceof LocalDateTime dateTime) {
      return DATETIME.format(dateTime);
    }
    if (value instanceof LocalTime time) {
      return TIME.format(time);
    }
    if (value instanceof LocalDate date) {
      return date.toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.toPlainString();
    }
    if (value instanceof Bytes bytes) {
      return bytes.toBase64();
    }
    if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
      // JSON has no literal for these; BigQuery reads them from text.
      return d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
    }
    return value;
  }
}

package io.dcp.adapters.bigquery;

import com.google.cloud.bigquery.FieldList;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The cells of a table read with {@code tabledata.list}, by column name whatever the table's column
 * order, and the dead letter a row of a dead-letter table (core's {@code DeadLetterTable}) holds.
 *
 * <p>Columns are found by position from the table's schema: the REST client names the sub-fields of
 * a record, but not those of records inside an array such as {@code attributes}.
 */
final class DeadLetterCells {
  private final Map<String, Integer> columns = new HashMap<>();
  private final int attributeKey;
  private final int attributeValue;

  DeadLetterCells(FieldList fields) {
    for (int i = 0; i < fields.size(); i++) {
      columns.put(fields.get(i).getName().toLowerCase(Locale.ROOT), i);
    }
    Integer attributes = columns.get("attributes");
    FieldList sub = attributes == null ? null : fields.get(attributes).getSubFields();
    attributeKey = sub == null ? -1 : indexOf(sub, "key");
    attributeValue = sub == null ? -1 : indexOf(sub, "value");
  }

  /** Returns the cell of {@code column}, or null when the table has no such column. */
  FieldValue cell(FieldValueList row, String column) {
    Integer index = columns.get(column.toLowerCase(Locale.ROOT));
    return index == null ? null : row.get(index);
  }

  /** Returns the text of {@code column}, empty when NULL or absent. */
  String string(FieldValueList row, String column) {
    FieldValue cell = cell(row, column);
    return cell == null || cell.isNull() ? "" : cell.getStringValue();
  }

  /** Returns the instant of TIMESTAMP {@code column}, if it has one. */
  Optional<Instant> timestamp(FieldValueList row, String column) {
    FieldValue cell = cell(row, column);
    return cell == null || cell.isNull()
        ? Optional.empty()
        : Optional.of(Instant.EPOCH.plus(cell.getTimestampValue(), ChronoUnit.MICROS));
  }

  /**
   * Returns the dead letter of {@code row}, or empty when the row is not a dcp dead letter (no
   * known stage, message id or timestamp: a row of the Dataflow template's table, say).
   */
  Optional<DeadLetter> deadLetter(FieldValueList row) {
    String id = string(row, "message_id");
    Optional<Stage> stage = stage(string(row, "stage"));
    Optional<Instant> failedAt = timestamp(row, "timestamp");
    if (id.isEmpty() || stage.isEmpty() || failedAt.isEmpty()) {
      return Optional.empty();
    }
    FieldValue bytes = cell(row, "payloadBytes");
    byte[] data =
        bytes != null && !bytes.isNull()
            ? bytes.getBytesValue()
            : string(row, "payloadString").getBytes(StandardCharsets.UTF_8);
    FieldValue attempt = cell(row, "delivery_attempt");
    Message message =
        new Message(
            id,
            data,
            attributes(row),
            timestamp(row, "publish_time").orElse(failedAt.get()),
            string(row, "ordering_key"),
            attempt == null || attempt.isNull() ? 0 : (int) attempt.getLongValue());
    return Optional.of(
        new DeadLetter(
            message,
            stage.get(),
            string(row, "field_path"),
            string(row, "reason"),
            string(row, "stacktrace"),
            failedAt.get()));
  }

  private Map<String, String> attributes(FieldValueList row) {
    Map<String, String> out = new LinkedHashMap<>();
    FieldValue cell = cell(row, "attributes");
    if (cell == null || cell.isNull() || attributeKey < 0 || attributeValue < 0) {
      return out;
    }
    List<FieldValue> entries = cell.getRepeatedValue();
    for (FieldValue entry : entries) {
      FieldValueList pair = entry.getRecordValue();
      FieldValue key = pair.get(attributeKey);
      FieldValue value = pair.get(attributeValue);
      if (!key.isNull()) {
        out.put(key.getStringValue(), value.isNull() ? "" : value.getStringValue());
      }
    }
    return out;
  }

  private static Optional<Stage> stage(String label) {
    for (Stage stage : Stage.values()) {
      if (stage.label().equals(label)) {
        return Optional.of(stage);
      }
    }
    return Optional.empty();
  }

  private static int indexOf(FieldList fields, String name) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).getName().equalsIgnoreCase(name)) {
        return i;
      }
    }
    return -1;
  }
}

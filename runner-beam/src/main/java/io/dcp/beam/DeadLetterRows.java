package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.pipeline.TableDeadLetterSink;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Dead letters as BigQueryIO elements: each travels as its whole row of {@link DeadLetterTable} and
 * is read back into a {@link DeadLetter}, so the job writes it in the shapes core's {@code
 * TableDeadLetterSink} tries, in the same order: whole, without {@code payloadString}, with the
 * payload cut to its first MiB and the cut said in {@code errorMessage}.
 */
final class DeadLetterRows {
  /** The shapes of a dead-letter row, in the order they are tried. */
  enum Shape {
    WHOLE("whole", DeadLetterTable::toRow),
    WITHOUT_PAYLOAD_STRING("without payloadString", DeadLetterTable::withoutPayloadString),
    PAYLOAD_CUT(
        "with its payload cut",
        d -> DeadLetterTable.withPayloadCut(d, TableDeadLetterSink.CUT_PAYLOAD_BYTES));

    private final String description;
    private final Function<DeadLetter, Row> shape;

    Shape(String description, Function<DeadLetter, Row> shape) {
      this.description = description;
      this.shape = shape;
    }

    /** How the shape is named in logs. */
    String description() {
      return description;
    }

    /** Returns the row to write for the dead letter whose whole row is {@code whole}. */
    TableRow apply(TableRow whole) {
      return this == WHOLE
          ? whole
          : TableRows.of(shape.apply(toDeadLetter(whole)), DeadLetterTable.SCHEMA.fields());
    }
  }

  private DeadLetterRows() {}

  /** Returns the whole dead-letter row of {@code deadLetter}. */
  static TableRow of(DeadLetter deadLetter) {
    return TableRows.of(DeadLetterTable.toRow(deadLetter), DeadLetterTable.SCHEMA.fields());
  }

  /** Reads back the dead letter whose whole row {@link #of} made. */
  static DeadLetter toDeadLetter(TableRow row) {
    Map<String, String> attributes = new TreeMap<>();
    if (row.get("attributes") instanceof List<?> list) {
      for (Object entry : list) {
        Map<?, ?> pair = (Map<?, ?>) entry;
        attributes.put(String.valueOf(pair.get("key")), String.valueOf(pair.get("value")));
      }
    }
    Object attempt = row.get("delivery_attempt");
    Message message =
        new Message(
            text(row, "message_id"),
            Bytes.fromBase64(text(row, "payloadBytes")).toByteArray(),
            attributes,
            Instant.parse(text(row, "publish_time")),
            text(row, "ordering_key"),
            attempt == null ? 0 : Integer.parseInt(attempt.toString()));
    return new DeadLetter(
        message,
        Stage.valueOf(text(row, "stage").toUpperCase(Locale.ROOT)),
        text(row, "field_path"),
        text(row, "reason"),
        text(row, "stacktrace"),
        Instant.parse(text(row, "timestamp")));
  }

  private static String text(TableRow row, String key) {
    Object value = row.get(key);
    return value == null ? "" : value.toString();
  }
}

package io.dcp.adapters.bigquery;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes dead letters to a BigQuery table through the Storage Write sink, one row per dead letter,
 * in the layout of {@link #SCHEMA}.
 *
 * <p>The first six columns are those of the Dataflow Pub/Sub-to-BigQuery template's dead-letter
 * table, so a migrated table keeps working; {@code attributes} is filled (the template leaves it
 * empty). The other columns keep the message metadata and the rejection split into stage, field
 * path and reason. Any row BigQuery rejects fails the whole call, as the port requires.
 */
public final class BigQueryDeadLetterSink implements DeadLetterSink {
  /** The dead-letter table's schema; the local DuckDB dead-letter table uses the same names. */
  public static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("timestamp", FieldType.TIMESTAMP, FieldMode.REQUIRED),
          Field.of("payloadString", FieldType.STRING),
          Field.of("payloadBytes", FieldType.BYTES),
          Field.struct(
              "attributes",
              FieldMode.REPEATED,
              List.of(Field.of("key", FieldType.STRING), Field.of("value", FieldType.STRING))),
          Field.of("errorMessage", FieldType.STRING),
          Field.of("stacktrace", FieldType.STRING),
          Field.of("message_id", FieldType.STRING),
          Field.of("publish_time", FieldType.TIMESTAMP),
          Field.of("ordering_key", FieldType.STRING),
          Field.of("delivery_attempt", FieldType.INT64),
          Field.of("stage", FieldType.STRING),
          Field.of("field_path", FieldType.STRING),
          Field.of("reason", FieldType.STRING));

  private final RowSink rows;
  private final TableId table;

  /**
   * Creates a dead-letter sink writing to {@code table} through {@code rows} (normally a {@link
   * StorageWriteRowSink}); closing this sink closes {@code rows}.
   */
  public BigQueryDeadLetterSink(RowSink rows, TableId table) {
    this.rows = requireNonNull(rows, "rows");
    this.table = requireNonNull(table, "table");
  }

  @Override
  public void write(List<DeadLetter> deadLetters) throws SinkException {
    if (deadLetters.isEmpty()) {
      return;
    }
    List<Row> batch = new ArrayList<>(deadLetters.size());
    deadLetters.forEach(d -> batch.add(toRow(d)));
    WriteResult result = rows.write(new WriteBatch(table, SCHEMA, batch));
    if (!result.isComplete()) {
      String reasons =
          result.rowErrors().stream()
              .limit(5)
              .map(e -> "#" + e.index() + ": " + e.reason())
              .collect(Collectors.joining("; "));
      throw SinkException.permanentFailure(
          "dead-letter table "
              + table
              + " rejected "
              + result.rowErrors().size()
              + " of "
              + batch.size()
              + " dead letters ("
              + reasons
              + "); check its schema matches the dead-letter layout in docs/bigquery.md",
          null);
    }
  }

  /** Returns the dead-letter row for {@code deadLetter}, in the layout of {@link #SCHEMA}. */
  public static Row toRow(DeadLetter deadLetter) {
    Message message = deadLetter.message();
    List<Row> attributes = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(message.attributes()).entrySet()) {
      attributes.add(Row.builder().set("key", e.getKey()).set("value", e.getValue()).build());
    }
    return Row.builder()
        .set("timestamp", deadLetter.failedAt())
        .set("payloadString", utf8(message.dataUnsafe()))
        .set("payloadBytes", Bytes.copyOf(message.dataUnsafe()))
        .set("attributes", attributes.isEmpty() ? null : List.copyOf(attributes))
        .set("errorMessage", deadLetter.errorMessage())
        .set("stacktrace", emptyToNull(deadLetter.stackTrace()))
        .set("message_id", message.id())
        .set("publish_time", message.publishTime())
        .set("ordering_key", emptyToNull(message.orderingKey()))
        .set(
            "delivery_attempt",
            message.deliveryAttempt() == 0 ? null : (long) message.deliveryAttempt())
        .set("stage", deadLetter.stage().label())
        .set("field_path", emptyToNull(deadLetter.fieldPath()))
        .set("reason", deadLetter.reason())
        .build();
  }

  /** The payload as text when it is valid UTF-8, else null (payloadBytes always has it). */
  private static String utf8(byte[] data) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(data))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static String emptyToNull(String s) {
    return s.isEmpty() ? null : s;
  }

  @Override
  public void close() {
    rows.close();
  }
}

package io.dcp.core.model;

import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The layout of a dead-letter table, the same in every warehouse, and the row of a dead letter.
 *
 * <p>The first six columns are those of the Dataflow Pub/Sub-to-BigQuery template's dead-letter
 * table, so a migrated table keeps working; {@code attributes} is filled (the template leaves it
 * empty). The other columns keep the message metadata and the rejection split into stage, field
 * path and reason.
 */
public final class DeadLetterTable {
  /** The dead-letter table's schema; every dead-letter table uses it. */
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

  private DeadLetterTable() {}

  /** Returns the dead-letter row for {@code deadLetter}, in the layout of {@link #SCHEMA}. */
  public static Row toRow(DeadLetter deadLetter) {
    return row(deadLetter, true, Integer.MAX_VALUE);
  }

  /**
   * Returns the row without {@code payloadString}, half the size for a text payload and still
   * lossless: {@code payloadBytes} keeps the payload whole. For a table that refused the full row.
   */
  public static Row withoutPayloadString(DeadLetter deadLetter) {
    return row(deadLetter, false, Integer.MAX_VALUE);
  }

  /**
   * Returns the row with {@code payloadBytes} cut to its first {@code maxPayloadBytes} bytes and no
   * {@code payloadString}, the cut said in {@code errorMessage}: the last resort for a payload
   * larger than any row the table can take (BigQuery appends at most 10 MB per request).
   */
  public static Row withPayloadCut(DeadLetter deadLetter, int maxPayloadBytes) {
    return row(deadLetter, false, maxPayloadBytes);
  }

  private static Row row(DeadLetter deadLetter, boolean withString, int maxPayloadBytes) {
    Message message = deadLetter.message();
    byte[] data = message.dataUnsafe();
    boolean cut = data.length > maxPayloadBytes;
    String errorMessage =
        cut
            ? deadLetter.errorMessage()
                + " [payload of "
                + data.length
                + " bytes cut to its first "
                + maxPayloadBytes
                + " to fit the dead-letter table]"
            : deadLetter.errorMessage();
    List<Row> attributes = new ArrayList<>();
    for (Map.Entry<String, String> e : new TreeMap<>(message.attributes()).entrySet()) {
      attributes.add(Row.builder().set("key", e.getKey()).set("value", e.getValue()).build());
    }
    return Row.builder()
        .set("timestamp", deadLetter.failedAt())
        .set("payloadString", withString ? utf8(data) : null)
        .set("payloadBytes", Bytes.copyOf(cut ? Arrays.copyOf(data, maxPayloadBytes) : data))
        .set("attributes", attributes.isEmpty() ? null : List.copyOf(attributes))
        .set("errorMessage", errorMessage)
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
}

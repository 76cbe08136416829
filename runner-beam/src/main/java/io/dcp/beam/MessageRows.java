package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.Message;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * The original message carried beside its row through BigQueryIO, as a {@link TableRow}: the row
 * BigQueryIO hands back when it refuses a row ({@code withFormatRecordOnFailureFunction}), so a
 * write-stage dead letter keeps the message's own bytes, attributes, id, publish time and ordering
 * key rather than BigQueryIO's rendering of the row, and {@code dcp replay} can map it again.
 */
final class MessageRows {
  private static final String ID = "id";
  private static final String DATA = "data";
  private static final String ATTRIBUTES = "attributes";
  private static final String PUBLISH_TIME = "publish_time";
  private static final String ORDERING_KEY = "ordering_key";
  private static final String DELIVERY_ATTEMPT = "delivery_attempt";

  private MessageRows() {}

  /** Returns {@code message} as a row; the payload as base64, so any bytes survive. */
  static TableRow of(Message message) {
    TableRow attributes = new TableRow();
    attributes.putAll(new TreeMap<>(message.attributes()));
    return new TableRow()
        .set(ID, message.id())
        .set(DATA, Bytes.copyOf(message.dataUnsafe()).toBase64())
        .set(ATTRIBUTES, attributes)
        .set(PUBLISH_TIME, message.publishTime().toString())
        .set(ORDERING_KEY, message.orderingKey())
        .set(DELIVERY_ATTEMPT, message.deliveryAttempt());
  }

  /** Returns the message {@link #of} made {@code row} from. */
  static Message toMessage(TableRow row) {
    Map<String, String> attributes = new TreeMap<>();
    if (row.get(ATTRIBUTES) instanceof Map<?, ?> map) {
      map.forEach((k, v) -> attributes.put(k.toString(), String.valueOf(v)));
    }
    return new Message(
        text(row, ID),
        Bytes.fromBase64(text(row, DATA)).toByteArray(),
        attributes,
        Instant.parse(text(row, PUBLISH_TIME)),
        text(row, ORDERING_KEY),
        Integer.parseInt(String.valueOf(row.getOrDefault(DELIVERY_ATTEMPT, "0"))));
  }

  private static String text(TableRow row, String key) {
    Object value = row.get(key);
    return value == null ? "" : value.toString();
  }
}

package io.dcp.core.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import io.dcp.core.model.Message;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/** The values of columns whose source is a message attribute or a metadata field. */
final class SourceValues {
  private final String subscription;
  private final Clock clock;

  SourceValues(String subscription, Clock clock) {
    this.subscription = subscription;
    this.clock = clock;
  }

  /**
   * The value of {@code column}, whose source is an attribute or metadata; {@code object} is the
   * payload's tree when one was read, {@code rawText} its text when already decoded.
   */
  Object value(ColumnPlan column, Message message, JsonNode object, String rawText) {
    Field field = column.field();
    if (column.source() instanceof ColumnSource.Attribute a) {
      String text = message.attributes().get(a.name());
      if (text == null) {
        return null;
      }
      int lone = PayloadReader.loneSurrogate(text);
      if (lone >= 0) {
        // A source that decodes JSON (the HTTP endpoint) can hand over "\ud800" unpaired.
        throw new Rejection(
            "attribute:" + a.name(), PayloadReader.loneSurrogateReason(text.charAt(lone)));
      }
      return Coercion.text(field.type(), text, "attribute:" + a.name());
    }
    MetadataField metadata = ((ColumnSource.Metadata) column.source()).field();
    return switch (metadata) {
      case MESSAGE_ID -> message.id();
      case PUBLISH_TIME -> MetadataValues.time(message.publishTime(), field.type());
      case INGESTED_AT -> MetadataValues.time(clock.instant(), field.type());
      case ATTRIBUTES -> MetadataValues.attributesJson(message.attributes());
      case ORDERING_KEY -> message.orderingKey().isEmpty() ? null : message.orderingKey();
      case SUBSCRIPTION -> subscription;
      case DELIVERY_ATTEMPT ->
          message.deliveryAttempt() == 0 ? null : (long) message.deliveryAttempt();
      case PAYLOAD -> {
        String text =
            rawText != null ? rawText : new String(message.dataUnsafe(), StandardCharsets.UTF_8);
        yield field.type() == FieldType.JSON && object != null ? Coercion.json(object, "$") : text;
      }
    };
  }
}

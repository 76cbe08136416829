package io.dcp.core.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.core.schema.FieldType;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The values of {@code metadata:} column sources that are more than a message's field. */
final class MetadataValues {
  private static final ObjectMapper OUTPUT = new ObjectMapper();

  private MetadataValues() {}

  /** A time for a TIMESTAMP column, as text for STRING, as UTC civil time for DATETIME. */
  static Object time(Instant instant, FieldType type) {
    Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
    return switch (type) {
      case STRING -> micros.toString();
      case DATETIME -> LocalDateTime.ofInstant(micros, ZoneOffset.UTC);
      default -> micros;
    };
  }

  /** The attributes as a JSON object, keys sorted; a lone surrogate in one rejects the message. */
  static String attributesJson(Map<String, String> attributes) {
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      for (String text : List.of(e.getKey(), e.getValue())) {
        int lone = PayloadReader.loneSurrogate(text);
        if (lone >= 0) {
          throw new Rejection(
              "metadata:attributes",
              "an attribute "
                  + (text == e.getKey() ? "name " : "value ")
                  + PayloadReader.loneSurrogateReason(text.charAt(lone)));
        }
      }
    }
    try {
      return OUTPUT.writeValueAsString(new TreeMap<>(attributes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serialises", e);
    }
  }
}

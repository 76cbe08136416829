package io.dcp.core.mapping;

import java.util.Locale;
import java.util.Optional;

/** Message metadata a column can be filled from instead of the payload. */
public enum MetadataField {
  /** The source's message id (STRING). */
  MESSAGE_ID,
  /** When the source accepted the message (TIMESTAMP). */
  PUBLISH_TIME,
  /** All attributes as one JSON object (JSON or STRING). */
  ATTRIBUTES,
  /** The ordering key, NULL when empty (STRING). */
  ORDERING_KEY,
  /** The subscription (or source name) the message came from (STRING). */
  SUBSCRIPTION,
  /** When the pipeline mapped the message (TIMESTAMP). */
  INGESTED_AT,
  /** The delivery attempt, NULL when unknown (INT64). */
  DELIVERY_ATTEMPT,
  /** The whole payload as text (STRING or JSON): the column of the {@code raw} mode. */
  PAYLOAD;

  /** Returns the lower-case name used in config, e.g. {@code message_id}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config name such as {@code publish_time}; empty when unknown. */
  public static Optional<MetadataField> parse(String label) {
    for (MetadataField f : values()) {
      if (f.label().equals(label.trim().toLowerCase(Locale.ROOT))) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}

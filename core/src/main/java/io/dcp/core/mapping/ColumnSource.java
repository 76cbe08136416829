package io.dcp.core.mapping;

import static java.util.Objects.requireNonNull;

/**
 * Where a column's value comes from, when not from the payload field of the same name.
 *
 * <p>In config a source is written as text: a JSON Pointer ({@code /quote/bid}), {@code
 * attribute:NAME}, or {@code metadata:FIELD} (for example {@code metadata:publish_time}).
 */
public sealed interface ColumnSource {

  /** A value inside the payload, addressed by an RFC 6901 JSON Pointer. */
  record Pointer(String pointer) implements ColumnSource {
    public Pointer {
      requireNonNull(pointer, "pointer");
      if (!pointer.isEmpty() && !pointer.startsWith("/")) {
        throw new IllegalArgumentException(
            "JSON Pointer '" + pointer + "' must be empty or start with '/'");
      }
    }

    @Override
    public String toString() {
      return pointer;
    }
  }

  /** A message attribute, as a string (coerced to the column's type like a JSON string). */
  record Attribute(String name) implements ColumnSource {
    public Attribute {
      requireNonNull(name, "name");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("attribute name is empty");
      }
    }

    @Override
    public String toString() {
      return "attribute:" + name;
    }
  }

  /** A metadata value of the message or the pipeline. */
  record Metadata(MetadataField field) implements ColumnSource {
    public Metadata {
      requireNonNull(field, "field");
    }

    @Override
    public String toString() {
      return "metadata:" + field.label();
    }
  }

  /**
   * Parses the config text of a source.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  static ColumnSource parse(String text) {
    requireNonNull(text, "text");
    if (text.startsWith("/")) {
      return new Pointer(text);
    }
    if (text.startsWith("attribute:")) {
      return new Attribute(text.substring("attribute:".length()));
    }
    if (text.startsWith("metadata:")) {
      String name = text.substring("metadata:".length());
      return new Metadata(
          MetadataField.parse(name)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "unknown metadata field '"
                              + name
                              + "': one of message_id, publish_time, attributes, ordering_key,"
                              + " subscription, ingested_at, delivery_attempt, payload")));
    }
    throw new IllegalArgumentException(
        "column source '"
            + text
            + "' is not a JSON Pointer (/a/b), attribute:NAME or metadata:FIELD");
  }
}

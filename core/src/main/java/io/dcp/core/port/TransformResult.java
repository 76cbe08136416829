package io.dcp.core.port;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/** What a {@link MessageTransform} made of one message: a new payload, a drop, or a failure. */
public sealed interface TransformResult {

  /** The message goes on with this JSON payload and these attributes. */
  record Transformed(String payload, Map<String, String> attributes) implements TransformResult {
    public Transformed {
      requireNonNull(payload, "payload");
      attributes = Map.copyOf(requireNonNull(attributes, "attributes"));
    }
  }

  /** The script filtered the message out (it returned null or undefined): acked, no row. */
  record Dropped() implements TransformResult {}

  /**
   * The script failed for this message: it becomes a {@code transform} dead letter.
   *
   * @param reason what went wrong, with the script's error and its line ({@code udf.js:3})
   */
  record Failed(String reason) implements TransformResult {
    public Failed {
      requireNonNull(reason, "reason");
    }
  }
}

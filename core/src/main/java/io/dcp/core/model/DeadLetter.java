package io.dcp.core.model;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A message the pipeline could not turn into rows, kept whole with the reason it was rejected.
 *
 * @param message the original message, bytes and attributes untouched
 * @param stage where in the flow it was rejected
 * @param fieldPath the JSONPath-style path of the offending value ({@code $.quote.bid}), or empty
 *     when the problem is not about one field
 * @param reason a sentence a person can act on, without the path
 * @param stackTrace the stack trace of an unexpected failure, or empty
 * @param failedAt when the rejection happened
 */
public record DeadLetter(
    Message message,
    Stage stage,
    String fieldPath,
    String reason,
    String stackTrace,
    Instant failedAt) {

  public DeadLetter {
    requireNonNull(message, "message");
    requireNonNull(stage, "stage");
    requireNonNull(fieldPath, "fieldPath");
    requireNonNull(reason, "reason");
    requireNonNull(stackTrace, "stackTrace");
    requireNonNull(failedAt, "failedAt");
  }

  /** A dead letter with no stack trace. */
  public static DeadLetter of(
      Message message, Stage stage, String fieldPath, String reason, Instant failedAt) {
    return new DeadLetter(message, stage, fieldPath, reason, "", failedAt);
  }

  /**
   * Returns the error message as stored in dead-letter tables: {@code stage: path: reason}, for
   * example {@code map: $.quote.bid: "12,5" is not a FLOAT64}.
   */
  public String errorMessage() {
    return fieldPath.isEmpty()
        ? stage.label() + ": " + reason
        : stage.label() + ": " + fieldPath + ": " + reason;
  }
}

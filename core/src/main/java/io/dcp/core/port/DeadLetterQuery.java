package io.dcp.core.port;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.Stage;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which dead letters to read back: by stage, by a pattern found in the error message, and by when
 * they were rejected (from {@code since}, inclusive, to {@code until}, exclusive).
 */
public record DeadLetterQuery(
    Optional<Stage> stage,
    Optional<Pattern> reason,
    Optional<Instant> since,
    Optional<Instant> until) {

  public DeadLetterQuery {
    requireNonNull(stage, "stage");
    requireNonNull(reason, "reason");
    requireNonNull(since, "since");
    requireNonNull(until, "until");
  }

  /** Every dead letter. */
  public static DeadLetterQuery all() {
    return new DeadLetterQuery(
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** Returns true when {@code stage}, {@code errorMessage} and {@code failedAt} are selected. */
  public boolean selects(Stage deadLetterStage, String errorMessage, Instant failedAt) {
    return stage.map(s -> s == deadLetterStage).orElse(true)
        && reason.map(p -> p.matcher(errorMessage).find()).orElse(true)
        && since.map(s -> !failedAt.isBefore(s)).orElse(true)
        && until.map(u -> failedAt.isBefore(u)).orElse(true);
  }
}

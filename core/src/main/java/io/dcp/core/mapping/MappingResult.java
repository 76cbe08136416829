package io.dcp.core.mapping;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Row;
import java.util.List;

/** What mapping one message yields: rows for the table, or a dead letter with the reason. */
public sealed interface MappingResult {

  /**
   * The message maps to these rows: one, or one per element when an array payload is exploded
   * (possibly none for an empty array).
   */
  record Mapped(List<Row> rows) implements MappingResult {
    public Mapped {
      rows = List.copyOf(requireNonNull(rows, "rows"));
    }
  }

  /** The message cannot be mapped; the dead letter says at which stage, where and why. */
  record Rejected(DeadLetter deadLetter) implements MappingResult {
    public Rejected {
      requireNonNull(deadLetter, "deadLetter");
    }
  }
}

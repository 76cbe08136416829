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

  /**
   * The message carries fields the table has no column for, and the mapper was made to report them
   * ({@link JsonMessageMapper#reportingNewColumns}) rather than ignore them: the columns to add,
   * NULLABLE (or REPEATED), typed from the message's values, in the shape {@link
   * io.dcp.core.port.TableAdmin#addColumns} takes. Mapping the message again once they exist yields
   * its rows.
   */
  record NewColumns(List<io.dcp.core.schema.Field> columns) implements MappingResult {
    public NewColumns {
      columns = List.copyOf(requireNonNull(columns, "columns"));
      if (columns.isEmpty()) {
        throw new IllegalArgumentException("no new columns");
      }
    }
  }

  /** The message cannot be mapped; the dead letter says at which stage, where and why. */
  record Rejected(DeadLetter deadLetter) implements MappingResult {
    public Rejected {
      requireNonNull(deadLetter, "deadLetter");
    }
  }
}

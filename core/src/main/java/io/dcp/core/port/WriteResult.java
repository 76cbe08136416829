package io.dcp.core.port;

import java.util.List;

/**
 * The outcome of a committed write: every row of the batch was written except those in {@code
 * rowErrors}.
 *
 * @param rowErrors rows the sink rejected as invalid, each at most once, by batch index
 */
public record WriteResult(List<RowError> rowErrors) {
  private static final WriteResult ALL_WRITTEN = new WriteResult(List.of());

  public WriteResult {
    rowErrors = List.copyOf(rowErrors);
  }

  /** Every row was written. */
  public static WriteResult allWritten() {
    return ALL_WRITTEN;
  }

  /** Returns true when no row was rejected. */
  public boolean isComplete() {
    return rowErrors.isEmpty();
  }
}

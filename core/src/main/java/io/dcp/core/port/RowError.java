package io.dcp.core.port;

import static java.util.Objects.requireNonNull;

/**
 * One row the sink rejected as invalid, with the sink's own reason.
 *
 * @param index the row's position in its {@link WriteBatch}
 * @param reason the sink's message, as it gave it
 */
public record RowError(int index, String reason) {
  public RowError {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0: " + index);
    }
    requireNonNull(reason, "reason");
  }
}

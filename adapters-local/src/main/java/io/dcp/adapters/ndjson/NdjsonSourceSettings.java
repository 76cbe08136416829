package io.dcp.adapters.ndjson;

import java.util.List;

/**
 * Settings of an {@link NdjsonMessageSource}, the {@code source.ndjson} section.
 *
 * @param paths the files or glob patterns read, in order; {@code -} is standard input
 * @param maxAttempts the deliveries of one line before the run gives it up
 */
public record NdjsonSourceSettings(List<String> paths, int maxAttempts) {
  public NdjsonSourceSettings {
    paths = List.copyOf(paths);
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
  }
}

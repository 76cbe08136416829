package io.dcp.core.config;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with the configuration.
 *
 * @param key the key path, e.g. {@code pipeline.maxBatchRows}
 * @param message what is wrong and how to fix it
 */
public record ConfigProblem(String key, String message) {
  public ConfigProblem {
    requireNonNull(key, "key");
    requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return key.isEmpty() ? message : key + ": " + message;
  }
}

package io.dcp.core.schema;

import static java.util.Objects.requireNonNull;

/**
 * One thing wrong with a schema, where it is and what is wrong.
 *
 * @param path where the problem is, e.g. {@code fields[3].type} or {@code quote.bid}
 * @param message what is wrong and how to fix it
 */
public record SchemaProblem(String path, String message) {
  public SchemaProblem {
    requireNonNull(path, "path");
    requireNonNull(message, "message");
  }

  @Override
  public String toString() {
    return path.isEmpty() ? message : path + ": " + message;
  }
}

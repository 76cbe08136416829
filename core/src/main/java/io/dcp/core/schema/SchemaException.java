package io.dcp.core.schema;

import java.util.List;
import java.util.stream.Collectors;

/** A schema could not be read or is invalid; carries every problem found, not just the first. */
public final class SchemaException extends Exception {
  private final List<SchemaProblem> problems;

  public SchemaException(String source, List<SchemaProblem> problems) {
    super(
        "invalid schema "
            + source
            + ":\n"
            + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** Every problem found, in document order. */
  public List<SchemaProblem> problems() {
    return problems;
  }
}

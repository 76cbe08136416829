package io.dcp.core.config;

import java.util.List;
import java.util.stream.Collectors;

/** The configuration is invalid; carries every problem found, each with its key path. */
public final class ConfigException extends Exception {
  private final List<ConfigProblem> problems;

  public ConfigException(List<ConfigProblem> problems) {
    super(
        "invalid configuration:\n"
            + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** Every problem, in key order. */
  public List<ConfigProblem> problems() {
    return problems;
  }
}

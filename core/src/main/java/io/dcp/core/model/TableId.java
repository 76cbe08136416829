package io.dcp.core.model;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/**
 * Names a table: a BigQuery {@code project.dataset.table}, or a bare table name for a local
 * warehouse (project and dataset empty).
 *
 * @param project the Google Cloud project id, or empty
 * @param dataset the dataset, or empty (then project is empty too)
 * @param table the table name
 */
public record TableId(String project, String dataset, String table) {
  private static final Pattern PROJECT =
      Pattern.compile("([a-z0-9.-]+:)?[a-z][a-z0-9-]{4,28}[a-z0-9]");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,1023}");
  private static final Pattern TABLE =
      Pattern.compile("[\\p{L}\\p{M}\\p{N}\\p{Pc}\\p{Pd}\\p{Zs}]{1,1024}");

  public TableId {
    requireNonNull(project, "project");
    requireNonNull(dataset, "dataset");
    requireNonNull(table, "table");
    if (!project.isEmpty() && !PROJECT.matcher(project).matches()) {
      throw new IllegalArgumentException(
          "invalid project id '"
              + project
              + "': 6-30 lower-case letters, digits and hyphens,"
              + " starting with a letter");
    }
    if (!dataset.isEmpty() && !NAME.matcher(dataset).matches()) {
      throw new IllegalArgumentException(
          "invalid dataset '" + dataset + "': letters, digits and underscores only");
    }
    if (dataset.isEmpty() && !project.isEmpty()) {
      throw new IllegalArgumentException("a table id with a project needs a dataset");
    }
    if (!TABLE.matcher(table).matches()) {
      throw new IllegalArgumentException(
          "invalid table name '"
              + table
              + "': 1-1024 letters, digits, underscores, dashes or"
              + " spaces");
    }
  }

  /** A local table with no project or dataset. */
  public static TableId local(String table) {
    return new TableId("", "", table);
  }

  /**
   * Parses {@code table}, {@code dataset.table}, {@code project.dataset.table} or the legacy {@code
   * project:dataset.table}.
   *
   * @throws IllegalArgumentException naming what is wrong with the text
   */
  public static TableId parse(String text) {
    requireNonNull(text, "text");
    String project = "";
    String rest = text;
    int colon = text.lastIndexOf(':');
    if (colon >= 0) {
      project = text.substring(0, colon);
      rest = text.substring(colon + 1);
    }
    String[] parts = rest.split("\\.", -1);
    return switch (parts.length) {
      case 1 -> {
        if (!project.isEmpty()) {
          throw new IllegalArgumentException(
              "'" + text + "' needs a dataset: project:dataset.table");
        }
        yield new TableId("", "", parts[0]);
      }
      case 2 -> new TableId(project, parts[0], parts[1]);
      case 3 -> {
        if (!project.isEmpty()) {
          throw new IllegalArgumentException("'" + text + "' mixes ':' and a three-part name");
        }
        yield new TableId(parts[0], parts[1], parts[2]);
      }
      default ->
          throw new IllegalArgumentException(
              "'" + text + "' is not a table id: expected project.dataset.table");
    };
  }

  /** Returns true when the id has no project and no dataset. */
  public boolean isLocal() {
    return dataset.isEmpty();
  }

  @Override
  public String toString() {
    if (dataset.isEmpty()) {
      return table;
    }
    return project.isEmpty() ? dataset + "." + table : project + "." + dataset + "." + table;
  }
}

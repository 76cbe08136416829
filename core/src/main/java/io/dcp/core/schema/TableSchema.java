package io.dcp.core.schema;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * The columns of a table, in order: the same shape as BigQuery's JSON schema.
 *
 * @param fields the top-level columns
 */
public record TableSchema(List<Field> fields) {

  public TableSchema {
    fields = List.copyOf(requireNonNull(fields, "fields"));
  }

  /** Builds a schema from columns. */
  public static TableSchema of(Field... fields) {
    return new TableSchema(List.of(fields));
  }

  /** Returns the column called {@code name}, matched case-insensitively as BigQuery does. */
  public Optional<Field> field(String name) {
    return find(fields, name);
  }

  /** Returns the schema with {@code extra} columns appended. */
  public TableSchema withFields(List<Field> extra) {
    var all = new java.util.ArrayList<>(fields);
    all.addAll(extra);
    return new TableSchema(all);
  }

  /** Returns the field of {@code fields} called {@code name}, matched case-insensitively. */
  public static Optional<Field> find(List<Field> fields, String name) {
    for (Field f : fields) {
      if (f.name().equalsIgnoreCase(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }
}

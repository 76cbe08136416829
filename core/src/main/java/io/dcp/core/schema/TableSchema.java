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

  /**
   * Returns the schema with {@code added} columns merged in: a column it lacks is appended, and a
   * STRUCT it has takes the added STRUCT's sub-fields it lacks (the shape {@code
   * TableAdmin.addColumns} takes). Existing columns keep their type and mode.
   */
  public TableSchema merged(List<Field> added) {
    return new TableSchema(merge(fields, added));
  }

  private static List<Field> merge(List<Field> base, List<Field> added) {
    var out = new java.util.ArrayList<>(base);
    for (Field field : added) {
      int at = -1;
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i).name().equalsIgnoreCase(field.name())) {
          at = i;
          break;
        }
      }
      if (at < 0) {
        out.add(field);
      } else if (out.get(at).type() == FieldType.STRUCT && field.type() == FieldType.STRUCT) {
        Field existing = out.get(at);
        out.set(
            at,
            new Field(
                existing.name(),
                FieldType.STRUCT,
                existing.mode(),
                merge(existing.fields(), field.fields()),
                existing.description()));
      }
    }
    return out;
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

package io.dcp.core.schema;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * One column of a table schema, as in BigQuery's JSON schema format.
 *
 * <p>Construction only checks structure (no nulls, sub-fields only on STRUCT); the rules BigQuery
 * applies to names and nesting are checked by {@link SchemaValidator}, which reports every problem
 * with its path.
 *
 * @param name the column name
 * @param type the column type
 * @param mode NULLABLE, REQUIRED or REPEATED
 * @param fields the sub-fields of a STRUCT, empty for other types
 * @param description free text, or empty
 */
public record Field(
    String name, FieldType type, FieldMode mode, List<Field> fields, String description) {

  public Field {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(mode, "mode");
    fields = List.copyOf(requireNonNull(fields, "fields"));
    requireNonNull(description, "description");
    if (type != FieldType.STRUCT && !fields.isEmpty()) {
      throw new IllegalArgumentException(
          "field '" + name + "' of type " + type + " cannot have sub-fields");
    }
  }

  /** A NULLABLE scalar column with no description. */
  public static Field of(String name, FieldType type) {
    return new Field(name, type, FieldMode.NULLABLE, List.of(), "");
  }

  /** A scalar column with the given mode and no description. */
  public static Field of(String name, FieldType type, FieldMode mode) {
    return new Field(name, type, mode, List.of(), "");
  }

  /** A STRUCT column with the given mode and sub-fields. */
  public static Field struct(String name, FieldMode mode, List<Field> fields) {
    return new Field(name, FieldType.STRUCT, mode, fields, "");
  }

  /** Returns true when the mode is REPEATED. */
  public boolean isRepeated() {
    return mode == FieldMode.REPEATED;
  }

  /** Returns the sub-field called {@code name}, matched case-insensitively as BigQuery does. */
  public Optional<Field> field(String name) {
    return TableSchema.find(fields, name);
  }

  /** Returns this field with {@code mode} replaced. */
  public Field withMode(FieldMode newMode) {
    return new Field(name, type, newMode, fields, description);
  }
}

package io.dcp.adapters.duckdb;

import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.TableSchema;
import java.util.stream.Collectors;

/** BigQuery column types in DuckDB terms, and the quoting of identifiers. */
final class DuckDbTypes {
  private DuckDbTypes() {}

  /** The DuckDB type of a column, REPEATED as a LIST. */
  static String columnType(Field field) {
    String type = elementType(field, false);
    return field.mode() == FieldMode.REPEATED ? type + "[]" : type;
  }

  private static String elementType(Field field, boolean nested) {
    return switch (field.type()) {
      case STRING, GEOGRAPHY -> "VARCHAR";
      // DuckDB's DECIMAL stops at 38 digits; BIGNUMERIC keeps its exact text.
      case BIGNUMERIC -> "VARCHAR";
      // Nested values travel as JSON, which cannot carry raw bytes: they stay base64 text.
      case BYTES -> nested ? "VARCHAR" : "BLOB";
      case INT64 -> "BIGINT";
      case FLOAT64 -> "DOUBLE";
      case NUMERIC -> "DECIMAL(38,9)";
      case BOOL -> "BOOLEAN";
      case TIMESTAMP -> "TIMESTAMPTZ";
      case DATE -> "DATE";
      case TIME -> "TIME";
      case DATETIME -> "TIMESTAMP";
      case JSON -> "JSON";
      case STRUCT ->
          field.fields().stream()
              .map(f -> quote(f.name()) + " " + nestedType(f))
              .collect(Collectors.joining(", ", "STRUCT(", ")"));
    };
  }

  private static String nestedType(Field field) {
    String type = elementType(field, true);
    return field.mode() == FieldMode.REPEATED ? type + "[]" : type;
  }

  /** Whether the column's values are bound as JSON text and cast (STRUCT and LIST columns). */
  static boolean boundAsJson(Field field) {
    return field.mode() == FieldMode.REPEATED
        || field.type() == io.dcp.core.schema.FieldType.STRUCT;
  }

  /** Quotes an identifier for DuckDB SQL; never splice a name into SQL any other way. */
  static String quote(String identifier) {
    if (identifier.isEmpty() || identifier.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("invalid identifier: '" + identifier + "'");
    }
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** The CREATE TABLE IF NOT EXISTS statement of {@code table} with {@code schema}. */
  static String createTable(TableId table, TableSchema schema) {
    return "CREATE TABLE IF NOT EXISTS "
        + quote(table.table())
        + " ("
        + schema.fields().stream()
            .map(
                f ->
                    quote(f.name())
                        + " "
                        + columnType(f)
                        + (f.mode() == FieldMode.REQUIRED ? " NOT NULL" : ""))
            .collect(Collectors.joining(", "))
        + ")";
  }

  /** The DuckDB type of a sub-field of a STRUCT, as ALTER TABLE ... ADD COLUMN s.f takes it. */
  static String subFieldType(Field field) {
    return nestedType(field);
  }
}

package io.dcp.core.schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Checks a table schema against the rules BigQuery applies, reporting every problem. */
public final class SchemaValidator {
  /** BigQuery allows at most 15 levels of nested RECORD. */
  public static final int MAX_DEPTH = 15;

  /** BigQuery allows at most 10,000 columns in a table, nested ones included. */
  public static final int MAX_COLUMNS = 10_000;

  private SchemaValidator() {}

  /** Returns the problems with {@code schema}; empty when BigQuery would accept it. */
  public static List<SchemaProblem> validate(TableSchema schema) {
    List<SchemaProblem> problems = new ArrayList<>();
    if (schema.fields().isEmpty()) {
      problems.add(new SchemaProblem("", "the schema has no columns"));
    }
    int columns = check(schema.fields(), "", 1, problems);
    if (columns > MAX_COLUMNS) {
      problems.add(
          new SchemaProblem(
              "", "the schema has " + columns + " columns, BigQuery allows " + MAX_COLUMNS));
    }
    return problems;
  }

  private static int check(List<Field> fields, String parent, int depth, List<SchemaProblem> out) {
    int count = 0;
    Set<String> seen = new HashSet<>();
    for (Field f : fields) {
      count++;
      String path = parent.isEmpty() ? f.name() : parent + "." + f.name();
      if (!ColumnName.hasValidCharacters(f.name())) {
        out.add(new SchemaProblem(path, "invalid column name: " + ColumnName.CHARACTER_RULE));
      }
      ColumnName.reservedPrefix(f.name())
          .ifPresent(
              prefix ->
                  out.add(new SchemaProblem(path, "column names may not start with " + prefix)));
      if (!seen.add(f.name().toLowerCase(Locale.ROOT))) {
        out.add(new SchemaProblem(path, "duplicate column name (names are case-insensitive)"));
      }
      if (f.type() == FieldType.STRUCT) {
        if (f.fields().isEmpty()) {
          out.add(new SchemaProblem(path, "a RECORD needs at least one sub-field"));
        } else if (depth >= MAX_DEPTH) {
          out.add(
              new SchemaProblem(
                  path, "RECORD nested deeper than BigQuery's " + MAX_DEPTH + " levels"));
        } else {
          count += check(f.fields(), path, depth + 1, out);
        }
      }
    }
    return count;
  }
}

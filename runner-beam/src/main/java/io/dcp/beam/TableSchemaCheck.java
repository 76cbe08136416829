package io.dcp.beam;

import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Compares the schema the job maps to ({@code --schemaFile}) with the output table's live schema
 * before launch, naming each column that would make BigQueryIO fail the running job or refuse every
 * row: a column the table lacks, a different type, a different repetition, and a REQUIRED column of
 * the table the file leaves out.
 */
final class TableSchemaCheck {
  private TableSchemaCheck() {}

  /** Returns every mismatch, each naming its column path and {@code table}; empty when fine. */
  static List<String> problems(TableSchema file, TableSchema live, String table) {
    List<String> problems = new ArrayList<>();
    compare("", file.fields(), live.fields(), table, problems);
    return problems;
  }

  private static void compare(
      String prefix, List<Field> file, List<Field> live, String table, List<String> problems) {
    for (Field field : file) {
      String path = prefix + field.name();
      Optional<Field> match = TableSchema.find(live, field.name());
      if (match.isEmpty()) {
        problems.add(
            "column '"
                + path
                + "' of --schemaFile is not in table "
                + table
                + ": add it to the table (bq update) or remove it from the schema file");
        continue;
      }
      Field column = match.get();
      if (column.type() != field.type()) {
        problems.add(
            "column '"
                + path
                + "' is "
                + field.type().standardName()
                + " in --schemaFile but "
                + column.type().standardName()
                + " in table "
                + table);
      } else if (column.isRepeated() != field.isRepeated()) {
        problems.add(
            "column '"
                + path
                + "' is "
                + field.mode()
                + " in --schemaFile but "
                + column.mode()
                + " in table "
                + table);
      } else if (!field.fields().isEmpty()) {
        compare(path + ".", field.fields(), column.fields(), table, problems);
      }
    }
    for (Field column : live) {
      if (column.mode() == FieldMode.REQUIRED && TableSchema.find(file, column.name()).isEmpty()) {
        problems.add(
            "column '"
                + prefix
                + column.name()
                + "' is REQUIRED in table "
                + table
                + " but not in --schemaFile: no row could be written");
      }
    }
  }
}

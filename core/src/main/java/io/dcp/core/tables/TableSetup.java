package io.dcp.core.tables;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gets the warehouse ready before the first message: the destination and dead-letter tables exist,
 * and the destination has every column of the schema file. It is the only code that creates those
 * tables: row sinks create none, and fail for good on a missing one.
 *
 * <p>What it may change is opt-in: creating a missing table ({@code create}: {@code table.create},
 * or true in a warehouse that {@linkplain io.dcp.core.port.Warehouse#createsMissingTables creates
 * missing tables}) and adding the schema file's new columns as NULLABLE ({@code
 * addMissingColumns}). Without them a missing table or column is an error that names the table and
 * the fix, raised before anything is pulled.
 */
public final class TableSetup {
  private final TableAdmin admin;
  private final boolean create;
  private final TableOptions options;
  private final boolean addMissingColumns;

  public TableSetup(
      TableAdmin admin, boolean create, TableOptions options, boolean addMissingColumns) {
    this.admin = requireNonNull(admin, "admin");
    this.create = create;
    this.options = requireNonNull(options, "options");
    this.addMissingColumns = addMissingColumns;
  }

  /**
   * Prepares {@code table} for {@code schema}, and {@code deadLetterTable} when dead letters go to
   * a table.
   *
   * @return what was changed, one sentence each, for the log
   * @throws SinkException when a table or column is missing and may not be added, or the warehouse
   *     refused a change
   */
  public List<String> prepare(TableId table, TableSchema schema, Optional<TableId> deadLetterTable)
      throws SinkException {
    List<String> changes = new ArrayList<>();
    Optional<TableSchema> live = admin.schema(table);
    if (live.isEmpty()) {
      createOrFail(table, schema, options, "table.id", changes);
    } else {
      checkTypes(admin, table, schema, live.get());
      List<Field> missing = missing(schema.fields(), live.get().fields());
      if (!missing.isEmpty()) {
        if (!addMissingColumns) {
          throw SinkException.permanentFailure(
              "table "
                  + table
                  + " lacks columns of the schema file: "
                  + names(missing)
                  + ". Add them (bq update; ALTER TABLE ... ADD COLUMN in a DuckDB file), or set"
                  + " table.addMissingColumns: true",
              null);
        }
        admin.addColumns(table, missing);
        changes.add("added NULLABLE columns " + names(missing) + " to " + table);
      }
    }
    if (deadLetterTable.isPresent()) {
      changes.addAll(prepareDeadLetterTable(deadLetterTable.get()));
    }
    return changes;
  }

  /**
   * Refuses a live table whose column types differ from the schema file's: a FLOAT64 in the schema
   * written into an INT64 column would store 1.5 as 2, a TIMESTAMP into a DATETIME would drop the
   * zone. Columns only one side has are not compared (they are missing columns, or extra ones).
   *
   * @throws SinkException (permanent) naming every differing column, both types and the fix
   */
  public static void checkTypes(
      TableAdmin admin, TableId table, TableSchema schema, TableSchema live) throws SinkException {
    List<String> conflicts = new ArrayList<>();
    conflicts("", schema.fields().stream().map(admin::asStored).toList(), live.fields(), conflicts);
    if (!conflicts.isEmpty()) {
      throw SinkException.permanentFailure(
          "table "
              + table
              + " does not have the schema file's column types: "
              + String.join("; ", conflicts)
              + ". Rows would be converted to the table's types and lose what those cannot hold"
              + " (1.5 into INT64 is stored as 2). Make table.schema say the table's types, or"
              + " write to a table that has the schema's (a new table.id, or the table dropped"
              + " and created again)",
          null);
    }
  }

  private static void conflicts(
      String prefix, List<Field> wanted, List<Field> live, List<String> out) {
    for (Field field : wanted) {
      Optional<Field> existing = TableSchema.find(live, field.name());
      if (existing.isEmpty()) {
        continue;
      }
      Field have = existing.get();
      String name = prefix + field.name();
      if (field.type() != have.type() || field.isRepeated() != have.isRepeated()) {
        out.add(
            "column "
                + name
                + " is "
                + describe(have)
                + " in the table but "
                + describe(field)
                + " in the schema file");
      } else if (field.type() == FieldType.STRUCT) {
        conflicts(name + ".", field.fields(), have.fields(), out);
      }
    }
  }

  private static String describe(Field field) {
    return field.isRepeated() ? "REPEATED " + field.type().name() : field.type().name();
  }

  /**
   * Creates the dead-letter table when it is missing and may be created.
   *
   * @return what was changed, for the log
   * @throws SinkException when it is missing and may not be created
   */
  public List<String> prepareDeadLetterTable(TableId deadLetterTable) throws SinkException {
    List<String> changes = new ArrayList<>();
    if (admin.schema(deadLetterTable).isEmpty()) {
      createOrFail(
          deadLetterTable,
          DeadLetterTable.SCHEMA,
          TableOptions.none(),
          "deadLetter.table",
          changes);
    }
    return changes;
  }

  private void createOrFail(
      TableId table,
      TableSchema schema,
      TableOptions tableOptions,
      String key,
      List<String> changes)
      throws SinkException {
    if (!create) {
      throw SinkException.permanentFailure(
          "table "
              + table
              + " does not exist. Create it (bq mk --table "
              + table
              + " SCHEMA.json), fix "
              + key
              + ", or set table.create: true",
          null);
    }
    admin.create(table, schema, tableOptions);
    changes.add("created table " + table);
  }

  /**
   * Returns the fields of {@code wanted} that {@code live} lacks: whole columns, and for a STRUCT
   * both have, the STRUCT with only its new sub-fields (the shape {@link TableAdmin#addColumns}
   * takes). A new column is NULLABLE unless REPEATED, since BigQuery adds no REQUIRED column.
   */
  public static List<Field> missing(List<Field> wanted, List<Field> live) {
    List<Field> out = new ArrayList<>();
    for (Field field : wanted) {
      Optional<Field> existing = TableSchema.find(live, field.name());
      if (existing.isEmpty()) {
        out.add(field.mode() == FieldMode.REQUIRED ? field.withMode(FieldMode.NULLABLE) : field);
      } else if (field.type() == FieldType.STRUCT && existing.get().type() == FieldType.STRUCT) {
        List<Field> nested = missing(field.fields(), existing.get().fields());
        if (!nested.isEmpty()) {
          out.add(Field.struct(field.name(), existing.get().mode(), nested));
        }
      }
    }
    return out;
  }

  /** The column names of {@code fields}, sub-fields as {@code struct.field}. */
  public static String names(List<Field> fields) {
    return names("", fields);
  }

  private static String names(String prefix, List<Field> fields) {
    List<String> names = new ArrayList<>();
    for (Field f : fields) {
      if (f.type() == FieldType.STRUCT && !f.fields().isEmpty()) {
        names.add(names(prefix + f.name() + ".", f.fields()));
      } else {
        names.add(prefix + f.name());
      }
    }
    return String.join(", ", names);
  }
}

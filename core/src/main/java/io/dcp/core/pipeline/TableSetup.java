package io.dcp.core.pipeline;

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
 * and the destination has every column of the schema file.
 *
 * <p>What it may change is opt-in: creating a missing table ({@code create}) and adding the schema
 * file's new columns as NULLABLE ({@code addMissingColumns}). Without them a missing table or
 * column is an error that names the table and the fix, raised before anything is pulled.
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
      List<Field> missing = missing(schema.fields(), live.get().fields());
      if (!missing.isEmpty()) {
        if (!addMissingColumns) {
          throw SinkException.permanentFailure(
              "table "
                  + table
                  + " lacks columns of the schema file: "
                  + names(missing)
                  + ". Add them (bq update), or set table.addMissingColumns: true",
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
  static List<Field> missing(List<Field> wanted, List<Field> live) {
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
  static String names(List<Field> fields) {
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

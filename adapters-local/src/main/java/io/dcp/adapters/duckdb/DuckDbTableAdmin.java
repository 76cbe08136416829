package io.dcp.adapters.duckdb;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Table definitions of a DuckDB database, on its {@link DuckDbWarehouse}'s connection so that
 * changes and writes never interleave.
 *
 * <p>The live schema is read back from {@code information_schema} in BigQuery terms: the inverse of
 * {@link DuckDbTypes}, where a VARCHAR reads as STRING and a TIMESTAMP WITH TIME ZONE as TIMESTAMP.
 * New columns, sub-fields of a STRUCT included (and of a STRUCT inside a LIST), are added with
 * {@code ALTER TABLE ... ADD COLUMN}, in one transaction. Partitioning and clustering do not apply
 * to DuckDB and are ignored.
 */
final class DuckDbTableAdmin implements TableAdmin {
  private final DuckDbWarehouse warehouse;

  DuckDbTableAdmin(DuckDbWarehouse warehouse) {
    this.warehouse = requireNonNull(warehouse, "warehouse");
  }

  @Override
  public Optional<TableSchema> schema(TableId table) throws SinkException {
    return warehouse.withConnection("reading the columns of table " + table, c -> read(c, table));
  }

  /** The live columns of {@code table} in BigQuery terms, in the table's order; empty if none. */
  static Optional<TableSchema> read(Connection connection, TableId table) throws SQLException {
    List<Field> fields = new ArrayList<>();
    try (PreparedStatement columns =
        connection.prepareStatement(
            "SELECT column_name, data_type, is_nullable FROM information_schema.columns"
                + " WHERE table_name = ? ORDER BY ordinal_position")) {
      columns.setString(1, table.table());
      try (ResultSet rs = columns.executeQuery()) {
        while (rs.next()) {
          Field field = new TypeReader(rs.getString(2)).field(rs.getString(1));
          fields.add(
              "NO".equals(rs.getString(3)) && field.mode() == FieldMode.NULLABLE
                  ? field.withMode(FieldMode.REQUIRED)
                  : field);
        }
      }
    }
    return fields.isEmpty() ? Optional.empty() : Optional.of(new TableSchema(fields));
  }

  /** The column DuckDB makes for {@code field}, read back: BIGNUMERIC and GEOGRAPHY are text. */
  @Override
  public Field asStored(Field field) {
    Field stored = new TypeReader(DuckDbTypes.columnType(field)).field(field.name());
    return field.mode() == FieldMode.REQUIRED ? stored.withMode(FieldMode.REQUIRED) : stored;
  }

  @Override
  public void create(TableId table, TableSchema schema, TableOptions options) throws SinkException {
    warehouse.withConnection(
        "creating table " + table,
        c -> {
          try (Statement statement = c.createStatement()) {
            statement.execute(DuckDbTypes.createTable(table, schema));
          }
          c.commit();
          warehouse.tablesChanged();
          return null;
        });
  }

  @Override
  public void addColumns(TableId table, List<Field> columns) throws SinkException {
    warehouse.withConnection(
        "adding columns to table " + table,
        c -> {
          TableSchema live =
              read(c, table)
                  .orElseThrow(
                      () -> new SQLException("table " + table.table() + " does not exist"));
          List<String> statements = new ArrayList<>();
          String prefix = "ALTER TABLE " + DuckDbTypes.quote(table.table()) + " ADD COLUMN ";
          alterations(prefix, "", live.fields(), columns, true, statements);
          try (Statement statement = c.createStatement()) {
            for (String sql : statements) {
              statement.execute(sql);
            }
          }
          c.commit();
          warehouse.tablesChanged();
          return null;
        });
  }

  /** One ADD COLUMN per new column or sub-field; STRUCTs the table has are descended into. */
  private static void alterations(
      String prefix,
      String path,
      List<Field> live,
      List<Field> added,
      boolean topLevel,
      List<String> out) {
    for (Field field : added) {
      Optional<Field> existing = TableSchema.find(live, field.name());
      // A STRUCT named in another case is the existing column: its own spelling names the path.
      String name = path + DuckDbTypes.quote(existing.map(Field::name).orElse(field.name()));
      if (existing.isEmpty()) {
        out.add(
            prefix
                + name
                + " "
                + (topLevel ? DuckDbTypes.columnType(field) : DuckDbTypes.subFieldType(field)));
      } else if (existing.get().type() == FieldType.STRUCT && field.type() == FieldType.STRUCT) {
        String inside = name + (existing.get().isRepeated() ? ".\"element\"." : ".");
        alterations(prefix, inside, existing.get().fields(), field.fields(), false, out);
      }
    }
  }

  /** Reads a DuckDB type name ({@code STRUCT("a" BIGINT, b VARCHAR[])[]}) as a BigQuery field. */
  private static final class TypeReader {
    private final String text;
    private int at;

    TypeReader(String text) {
      this.text = text;
    }

    Field field(String name) {
      Field field = type(name);
      if (at != text.length()) {
        // A type dcp does not make (MAP, UNION, ...): its values still read as text.
        return Field.of(name, FieldType.STRING);
      }
      return field;
    }

    private Field type(String name) {
      Field field;
      if (text.startsWith("STRUCT(", at)) {
        at += "STRUCT(".length();
        List<Field> fields = new ArrayList<>();
        while (at < text.length() && text.charAt(at) != ')') {
          String sub = name();
          skip(' ');
          fields.add(type(sub));
          if (at < text.length() && text.charAt(at) == ',') {
            at++;
            skip(' ');
          }
        }
        at++;
        field = Field.struct(name, FieldMode.NULLABLE, fields);
      } else {
        int start = at;
        int depth = 0;
        while (at < text.length()) {
          char c = text.charAt(at);
          if (c == '(') {
            depth++;
          } else if (c == ')' && depth > 0) {
            depth--;
          } else if (depth == 0 && (c == ',' || c == ')' || c == '[')) {
            break;
          }
          at++;
        }
        field = Field.of(name, scalar(text.substring(start, at).trim()));
      }
      if (text.startsWith("[]", at)) {
        at += 2;
        field =
            text.startsWith("[]", at) || field.isRepeated()
                ? Field.of(name, FieldType.JSON)
                : field.withMode(FieldMode.REPEATED);
        while (text.startsWith("[]", at)) {
          at += 2;
        }
      }
      return field;
    }

    private String name() {
      if (text.charAt(at) == '"') {
        StringBuilder name = new StringBuilder();
        at++;
        while (at < text.length()) {
          char c = text.charAt(at++);
          if (c == '"') {
            if (at < text.length() && text.charAt(at) == '"') {
              name.append('"');
              at++;
            } else {
              break;
            }
          } else {
            name.append(c);
          }
        }
        return name.toString();
      }
      int start = at;
      while (at < text.length() && text.charAt(at) != ' ') {
        at++;
      }
      return text.substring(start, at);
    }

    private void skip(char c) {
      while (at < text.length() && text.charAt(at) == c) {
        at++;
      }
    }

    private static FieldType scalar(String type) {
      String upper = type.toUpperCase(Locale.ROOT);
      if (upper.startsWith("DECIMAL")) {
        return FieldType.NUMERIC;
      }
      return switch (upper) {
        case "BIGINT", "INTEGER", "SMALLINT", "TINYINT", "HUGEINT", "UBIGINT", "UINTEGER" ->
            FieldType.INT64;
        case "DOUBLE", "FLOAT", "REAL" -> FieldType.FLOAT64;
        case "BOOLEAN" -> FieldType.BOOL;
        case "BLOB" -> FieldType.BYTES;
        case "TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ" -> FieldType.TIMESTAMP;
        case "TIMESTAMP" -> FieldType.DATETIME;
        case "DATE" -> FieldType.DATE;
        case "TIME" -> FieldType.TIME;
        case "JSON" -> FieldType.JSON;
        default -> FieldType.STRING;
      };
    }
  }

  /** Holds nothing of its own: the connection belongs to the warehouse, which closes it. */
  @Override
  public void close() {}
}

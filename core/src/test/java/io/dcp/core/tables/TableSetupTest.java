package io.dcp.core.tables;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TableSetupTest {
  static final TableId TABLE = TableId.parse("demo-project.market.quotes");
  static final TableId DEAD = TableId.parse("demo-project.market.dead_letters");
  static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("venue", FieldType.STRING, FieldMode.REQUIRED),
          Field.struct(
              "quote",
              FieldMode.NULLABLE,
              List.of(Field.of("bid", FieldType.NUMERIC), Field.of("ask", FieldType.NUMERIC))));
  static final TableOptions DAILY =
      new TableOptions(TableOptions.Partitioning.DAY, "", List.of("symbol"));

  final Admin admin = new Admin();

  @Test
  void createsMissingTablesWhenAllowed() throws Exception {
    List<String> changes =
        new TableSetup(admin, true, DAILY, false).prepare(TABLE, SCHEMA, Optional.of(DEAD));

    assertThat(changes)
        .containsExactly(
            "created table demo-project.market.quotes",
            "created table demo-project.market.dead_letters");
    assertThat(admin.tables)
        .containsEntry(TABLE, SCHEMA)
        .containsEntry(DEAD, DeadLetterTable.SCHEMA);
    assertThat(admin.options).containsEntry(TABLE, DAILY).containsEntry(DEAD, TableOptions.none());
  }

  @Test
  void aMissingTableWithoutCreateNamesTheTableAndTheFix() {
    assertThatThrownBy(
            () ->
                new TableSetup(admin, false, DAILY, false).prepare(TABLE, SCHEMA, Optional.empty()))
        .isInstanceOf(SinkException.class)
        .hasMessage(
            "table demo-project.market.quotes does not exist. Create it (bq mk --table"
                + " demo-project.market.quotes SCHEMA.json), fix table.id, or set table.create: true");
  }

  @Test
  void addsMissingColumnsAsNullableIncludingNewStructFields() throws Exception {
    admin.tables.put(
        TABLE,
        TableSchema.of(
            Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
            Field.struct(
                "quote", FieldMode.NULLABLE, List.of(Field.of("bid", FieldType.NUMERIC)))));
    admin.tables.put(DEAD, DeadLetterTable.SCHEMA);

    List<String> changes =
        new TableSetup(admin, false, DAILY, true).prepare(TABLE, SCHEMA, Optional.of(DEAD));

    assertThat(changes)
        .containsExactly("added NULLABLE columns venue, quote.ask to demo-project.market.quotes");
    assertThat(admin.added)
        .containsExactly(
            Field.of("venue", FieldType.STRING, FieldMode.NULLABLE),
            Field.struct("quote", FieldMode.NULLABLE, List.of(Field.of("ask", FieldType.NUMERIC))));
  }

  @Test
  void missingColumnsWithoutOptInAreAnErrorListingThem() {
    admin.tables.put(TABLE, TableSchema.of(Field.of("symbol", FieldType.STRING)));
    assertThatThrownBy(
            () ->
                new TableSetup(admin, true, DAILY, false).prepare(TABLE, SCHEMA, Optional.empty()))
        .hasMessage(
            "table demo-project.market.quotes lacks columns of the schema file: venue, quote.bid,"
                + " quote.ask. Add them (bq update; ALTER TABLE ... ADD COLUMN in a DuckDB file), or set"
                + " table.addMissingColumns: true");
  }

  @Test
  void aLiveColumnOfAnotherTypeIsRefusedNamingTheColumnAndBothTypes() {
    admin.tables.put(
        TABLE,
        TableSchema.of(
            Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
            Field.of("venue", FieldType.STRING, FieldMode.REPEATED),
            Field.struct(
                "quote",
                FieldMode.NULLABLE,
                List.of(Field.of("bid", FieldType.INT64), Field.of("ask", FieldType.NUMERIC)))));

    assertThatThrownBy(
            () -> new TableSetup(admin, true, DAILY, true).prepare(TABLE, SCHEMA, Optional.empty()))
        .isInstanceOf(SinkException.class)
        .hasMessageStartingWith(
            "table demo-project.market.quotes does not have the schema file's column types:"
                + " column venue is REPEATED STRING in the table but STRING in the schema file;"
                + " column quote.bid is INT64 in the table but NUMERIC in the schema file.")
        .hasMessageContaining("Make table.schema say the table's types");
    assertThat(admin.added).isEmpty();
  }

  @Test
  void anUpToDateTableIsLeftAlone() throws Exception {
    admin.tables.put(TABLE, SCHEMA);
    assertThat(new TableSetup(admin, true, DAILY, true).prepare(TABLE, SCHEMA, Optional.empty()))
        .isEmpty();
    assertThat(admin.added).isEmpty();
  }

  /** A warehouse catalogue in memory. */
  static final class Admin implements TableAdmin {
    @Override
    public void close() {}

    final Map<TableId, TableSchema> tables = new HashMap<>();
    final Map<TableId, TableOptions> options = new HashMap<>();
    final List<Field> added = new ArrayList<>();

    @Override
    public Optional<TableSchema> schema(TableId table) {
      return Optional.ofNullable(tables.get(table));
    }

    @Override
    public void create(TableId table, TableSchema schema, TableOptions tableOptions) {
      tables.put(table, schema);
      options.put(table, tableOptions);
    }

    @Override
    public void addColumns(TableId table, List<Field> columns) {
      added.addAll(columns);
    }
  }
}

package io.dcp.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The written contract of {@link TableAdmin}, as tests: every implementation's test extends this
 * class and says how to make an admin over an empty warehouse.
 */
@Timeout(120)
public abstract class TableAdminContract {
  private static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("id", FieldType.INT64, FieldMode.REQUIRED),
          Field.of("at", FieldType.TIMESTAMP),
          Field.struct("quote", FieldMode.NULLABLE, List.of(Field.of("bid", FieldType.FLOAT64))),
          Field.of("tags", FieldType.STRING, FieldMode.REPEATED));

  /** Returns a new admin over a warehouse where no table exists yet. */
  protected abstract TableAdmin newAdmin() throws Exception;

  /** Returns the id of a table called {@code name} in that warehouse. */
  protected abstract TableId table(String name);

  @Test
  void aMissingTableHasNoSchema() throws Exception {
    try (TableAdmin admin = newAdmin()) {
      assertThat(admin.schema(table("missing"))).isEmpty();
    }
  }

  @Test
  void aCreatedTableReadsBackWithItsSchemaAsStored() throws Exception {
    try (TableAdmin admin = newAdmin()) {
      admin.create(table("created"), SCHEMA, TableOptions.none());

      assertThat(admin.schema(table("created"))).contains(asStored(admin, SCHEMA));
    }
  }

  @Test
  void creatingAnExistingTableWithTheSameSchemaChangesNothing() throws Exception {
    try (TableAdmin admin = newAdmin()) {
      admin.create(table("twice"), SCHEMA, TableOptions.none());
      admin.create(table("twice"), SCHEMA, TableOptions.none());

      assertThat(admin.schema(table("twice"))).contains(asStored(admin, SCHEMA));
    }
  }

  @Test
  void addedColumnsAreMergedAsTableSchemaMergedDoes() throws Exception {
    List<Field> added =
        List.of(
            Field.of("note", FieldType.STRING),
            Field.struct("QUOTE", FieldMode.NULLABLE, List.of(Field.of("ask", FieldType.FLOAT64))));
    try (TableAdmin admin = newAdmin()) {
      admin.create(table("evolving"), SCHEMA, TableOptions.none());

      admin.addColumns(table("evolving"), added);

      assertThat(admin.schema(table("evolving"))).contains(asStored(admin, SCHEMA.merged(added)));
    }
  }

  @Test
  void addingColumnsToAMissingTableIsAPermanentFailure() throws Exception {
    try (TableAdmin admin = newAdmin()) {
      assertThatThrownBy(
              () -> admin.addColumns(table("absent"), List.of(Field.of("x", FieldType.STRING))))
          .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse());
    }
  }

  private static TableSchema asStored(TableAdmin admin, TableSchema schema) {
    return new TableSchema(schema.fields().stream().map(admin::asStored).toList());
  }
}

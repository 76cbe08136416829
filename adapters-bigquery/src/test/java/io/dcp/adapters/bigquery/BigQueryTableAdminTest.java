package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.port.TableOptions.Partitioning;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.tables.TableSetup;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BigQueryTableAdminTest {
  private static final TableId TABLE = new TableId("test-project", "events", "quotes");

  private FakeBigQueryRestServer server;
  private BigQueryTableAdmin admin;

  @BeforeEach
  void start() throws Exception {
    server = FakeBigQueryRestServer.start();
    server.createDataset("test-project", "events");
    admin = BigQueryTableAdmin.connect("test-project", server.url());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void createdTableSchemaReadsBackEqualForEveryTypeAndMode() throws Exception {
    admin.create(TABLE, StorageWriteRowSinkTest.ALL_TYPES, TableOptions.none());

    assertThat(admin.schema(TABLE)).contains(StorageWriteRowSinkTest.ALL_TYPES);
  }

  @Test
  void missingTableHasNoSchema() throws Exception {
    assertThat(admin.schema(new TableId("test-project", "events", "nope"))).isEmpty();
  }

  @ParameterizedTest
  @EnumSource(
      value = Partitioning.class,
      names = {"HOUR", "DAY", "MONTH", "YEAR"})
  void createsTablePartitionedOnAColumnAndClustered(Partitioning partitioning) throws Exception {
    var schema =
        TableSchema.of(
            Field.of("event_time", FieldType.TIMESTAMP, FieldMode.REQUIRED),
            Field.of("symbol", FieldType.STRING),
            Field.of("venue", FieldType.STRING));

    admin.create(
        TABLE, schema, new TableOptions(partitioning, "event_time", List.of("symbol", "venue")));

    JsonNode table = server.table(TABLE).orElseThrow();
    assertThat(table.path("timePartitioning").path("type").asText()).isEqualTo(partitioning.name());
    assertThat(table.path("timePartitioning").path("field").asText()).isEqualTo("event_time");
    assertThat(table.path("clustering").path("fields"))
        .extracting(JsonNode::asText)
        .containsExactly("symbol", "venue");
  }

  @Test
  void createsIngestionTimePartitionedTableWhenNoColumnIsGiven() throws Exception {
    admin.create(
        TABLE,
        TableSchema.of(Field.of("v", FieldType.STRING)),
        new TableOptions(Partitioning.DAY, "", List.of()));

    JsonNode partitioning = server.table(TABLE).orElseThrow().path("timePartitioning");
    assertThat(partitioning.path("type").asText()).isEqualTo("DAY");
    assertThat(partitioning.has("field")).isFalse();
  }

  @Test
  void creatingAnExistingTableWithTheSameSchemaDoesNothing() throws Exception {
    var schema = TableSchema.of(Field.of("v", FieldType.STRING));
    admin.create(TABLE, schema, TableOptions.none());

    admin.create(TABLE, schema, TableOptions.none());

    assertThat(admin.schema(TABLE)).contains(schema);
  }

  @Test
  void partitionColumnThatIsNotATimeColumnIsRefusedWithTheRule() {
    var schema = TableSchema.of(Field.of("v", FieldType.STRING));

    assertThatThrownBy(
            () -> admin.create(TABLE, schema, new TableOptions(Partitioning.DAY, "v", List.of())))
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("TIMESTAMP, DATE or DATETIME");
    assertThat(server.table(TABLE)).isEmpty();
  }

  @Test
  void missingDatasetIsPermanentAndNamesTheFix() {
    var table = new TableId("test-project", "nodata", "t");

    assertThatThrownBy(
            () ->
                admin.create(
                    table, TableSchema.of(Field.of("v", FieldType.STRING)), TableOptions.none()))
        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessageContaining("bq mk --dataset test-project:nodata");
  }

  @Test
  void addsNullableColumnsAtTopLevelAndInsideAStruct() throws Exception {
    var schema =
        TableSchema.of(
            Field.of("id", FieldType.INT64, FieldMode.REQUIRED),
            Field.struct("quote", FieldMode.NULLABLE, List.of(Field.of("bid", FieldType.FLOAT64))));
    admin.create(TABLE, schema, TableOptions.none());

    admin.addColumns(
        TABLE,
        List.of(
            Field.of("note", FieldType.STRING),
            Field.struct(
                "quote", FieldMode.NULLABLE, List.of(Field.of("ask", FieldType.FLOAT64)))));

    assertThat(admin.schema(TABLE))
        .contains(
            TableSchema.of(
                Field.of("id", FieldType.INT64, FieldMode.REQUIRED),
                Field.struct(
                    "quote",
                    FieldMode.NULLABLE,
                    List.of(
                        Field.of("bid", FieldType.FLOAT64), Field.of("ask", FieldType.FLOAT64))),
                Field.of("note", FieldType.STRING)));
  }

  @Test
  void addsSubFieldsToTheStructOfTheSameNameWhateverItsCaseAsTableSchemaMergedDoes()
      throws Exception {
    var current =
        TableSchema.of(
            Field.of("id", FieldType.INT64),
            Field.struct("Quote", FieldMode.NULLABLE, List.of(Field.of("bid", FieldType.FLOAT64))));
    admin.create(TABLE, current, TableOptions.none());
    List<Field> added =
        List.of(
            Field.struct("QUOTE", FieldMode.NULLABLE, List.of(Field.of("size", FieldType.INT64))),
            Field.of("ID", FieldType.STRING));

    admin.addColumns(TABLE, added);

    assertThat(admin.schema(TABLE))
        .contains(current.merged(added))
        .contains(
            TableSchema.of(
                Field.of("id", FieldType.INT64),
                Field.struct(
                    "Quote",
                    FieldMode.NULLABLE,
                    List.of(
                        Field.of("bid", FieldType.FLOAT64), Field.of("size", FieldType.INT64)))));
  }

  @Test
  void tableSetupCreatesTheMissingTableThenTheSinkWritesToIt() throws Exception {
    try (var writeServer = FakeBigQueryWriteServer.start();
        var rest = FakeBigQueryRestServer.start(writeServer)) {
      rest.createDataset("test-project", "events");
      var schema =
          TableSchema.of(
              Field.of("event_time", FieldType.TIMESTAMP), Field.of("v", FieldType.STRING));
      try (TableAdmin tables = BigQueryTableAdmin.connect("test-project", rest.url())) {
        new TableSetup(
                tables, true, new TableOptions(Partitioning.DAY, "event_time", List.of("v")), false)
            .prepare(TABLE, schema, Optional.empty());
      }
      var sink =
          new StorageWriteRowSink(
              StorageWriteSettings.defaults("test-project").withEndpoint(writeServer.endpoint()));
      Row row =
          Row.builder()
              .set("event_time", Instant.parse("2024-01-01T00:00:00Z"))
              .set("v", "a")
              .build();

      try (sink) {
        assertThat(sink.write(new WriteBatch(TABLE, schema, List.of(row))).isComplete()).isTrue();
      }

      assertThat(writeServer.rows(TABLE)).containsExactly(row);
      assertThat(rest.table(TABLE).orElseThrow().path("timePartitioning").path("field").asText())
          .isEqualTo("event_time");
    }
  }

  @Test
  void addingARequiredColumnIsRefusedWithTheFix() throws Exception {
    admin.create(TABLE, TableSchema.of(Field.of("v", FieldType.STRING)), TableOptions.none());

    assertThatThrownBy(
            () ->
                admin.addColumns(
                    TABLE, List.of(Field.of("w", FieldType.STRING, FieldMode.REQUIRED))))
        .isInstanceOf(SinkException.class)
        .hasMessageContaining("make it NULLABLE");
  }
}

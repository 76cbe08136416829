package io.dcp.adapters.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.Message;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.replay.Replay;
import io.dcp.core.routing.Destinations;
import io.dcp.core.routing.TableRoute;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.tables.TableSetup;
import io.dcp.core.testing.ListMessageSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Schema evolution and routing end to end: pipeline, real DuckDB file, table admin. */
class SchemaEvolutionAndRoutingTest {
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final TableId QUOTES = TableId.local("quotes");
  private static final TableId DEAD_LETTERS = TableId.local("dead_letters");
  private static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("id", FieldType.STRING, FieldMode.REQUIRED),
          Field.struct("quote", FieldMode.NULLABLE, List.of(Field.of("bid", FieldType.FLOAT64))),
          Field.struct("legs", FieldMode.REPEATED, List.of(Field.of("px", FieldType.FLOAT64))));

  @TempDir Path dir;

  private String file() {
    return dir.resolve("w.duckdb").toString();
  }

  private static Message message(String id, String json, Map<String, String> attributes) {
    return new Message(id, json.getBytes(StandardCharsets.UTF_8), attributes, NOW, "", 0);
  }

  private List<String> query(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file());
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          values.add(String.valueOf(rs.getObject(i)));
        }
        rows.add(String.join(" | ", values));
      }
    }
    return rows;
  }

  private ListMessageSource run(
      Optional<TableRoute> route,
      Map<TableId, TableSchema> schemas,
      boolean evolve,
      List<Message> messages)
      throws Exception {
    DuckDbWarehouse warehouse = DuckDbWarehouse.open(file());
    RowSink sink = warehouse.rowSink();
    ListMessageSource source = new ListMessageSource(messages);
    TableAdmin admin = warehouse.tableAdmin();
    // As dcp run does: core's table set-up creates each table before its first row.
    TableSetup setup = new TableSetup(admin, true, TableOptions.none(), false);
    setup.prepareDeadLetterTable(DEAD_LETTERS);
    Destinations destinations =
        Destinations.open(
            new Destinations.Settings(
                QUOTES,
                SCHEMA,
                schemas,
                route,
                10,
                schema -> {
                  JsonMessageMapper mapper =
                      JsonMessageMapper.create(schema, MappingConfig.typed(), "test", CLOCK);
                  return evolve ? mapper.reportingNewColumns() : mapper;
                },
                Optional.of(admin),
                Optional.of(setup),
                evolve));
    IngestPipeline pipeline =
        new IngestPipeline(
            source,
            destinations,
            sink,
            new TableDeadLetterSink(sink, DEAD_LETTERS),
            PipelineSettings.defaults(),
            PipelineMetrics.NOOP,
            CLOCK);
    pipeline.start();
    pipeline.finished().toCompletableFuture().get(30, TimeUnit.SECONDS);
    pipeline.close();
    warehouse.close();
    return source;
  }

  @Test
  void newTopLevelAndNestedFieldsBecomeColumnsAndTheRowsThatCarryThemLandWithThem()
      throws Exception {
    ListMessageSource source =
        run(
            Optional.empty(),
            Map.of(),
            true,
            List.of(
                message(
                    "1", "{\"id\":\"a\",\"quote\":{\"bid\":1.5},\"legs\":[{\"px\":1}]}", Map.of()),
                message(
                    "2",
                    "{\"id\":\"b\",\"venue\":\"XNAS\",\"quote\":{\"bid\":2,\"ask\":2.5},"
                        + "\"legs\":[{\"px\":2,\"note\":\"late\"}]}",
                    Map.of()),
                message("3", "{\"id\":\"c\",\"venue\":42}", Map.of()),
                message("4", "{\"id\":\"d\",\"quote\":{\"ask\":\"high\"}}", Map.of())));

    assertThat(
            query(
                "SELECT column_name, data_type FROM information_schema.columns"
                    + " WHERE table_name = 'quotes' ORDER BY ordinal_position"))
        .containsExactly(
            "id | VARCHAR",
            "quote | STRUCT(bid DOUBLE, ask DOUBLE)",
            "legs | STRUCT(px DOUBLE, note VARCHAR)[]",
            "venue | VARCHAR");
    assertThat(query("SELECT id, quote, legs, venue FROM quotes ORDER BY id"))
        .containsExactly(
            "a | {bid=1.5, ask=null} | [{px=1.0, note=null}] | null",
            "b | {bid=2.0, ask=2.5} | [{px=2.0, note=late}] | XNAS",
            "c | null | null | 42");
    assertThat(query("SELECT message_id, errorMessage FROM dead_letters"))
        .containsExactly("4 | map: $.quote.ask: \"high\" is not a FLOAT64");
    assertThat(source.totalAcks()).isEqualTo(4);
  }

  @Test
  void aRestartFillsColumnsAnEarlierRunAdded() throws Exception {
    run(
        Optional.empty(),
        Map.of(),
        true,
        List.of(message("1", "{\"id\":\"a\",\"venue\":\"XNAS\"}", Map.of())));
    run(
        Optional.empty(),
        Map.of(),
        true,
        List.of(message("2", "{\"id\":\"b\",\"venue\":\"XLON\",\"size\":3}", Map.of())));

    assertThat(query("SELECT id, venue, size FROM quotes ORDER BY id"))
        .containsExactly("a | XNAS | null", "b | XLON | 3");
    assertThat(query("SELECT count(*) FROM dead_letters")).containsExactly("0");
  }

  @Test
  void withoutEvolutionNewFieldsAreIgnoredAndNoColumnIsAdded() throws Exception {
    run(
        Optional.empty(),
        Map.of(),
        false,
        List.of(message("1", "{\"id\":\"a\",\"venue\":\"XNAS\"}", Map.of())));

    assertThat(query("SELECT * FROM quotes")).containsExactly("a | null | null");
  }

  @Test
  void twoTablesFedFromOneStreamEachWithItsOwnSchema() throws Exception {
    TableSchema trades =
        TableSchema.of(
            Field.of("id", FieldType.STRING, FieldMode.REQUIRED), Field.of("qty", FieldType.INT64));

    run(
        Optional.of(TableRoute.parse("${attr:kind}s")),
        Map.of(TableId.local("trades"), trades),
        false,
        List.of(
            message("1", "{\"id\":\"q1\",\"quote\":{\"bid\":1}}", Map.of("kind", "quote")),
            message("2", "{\"id\":\"t1\",\"qty\":100}", Map.of("kind", "trade")),
            message("3", "{\"id\":\"q2\",\"quote\":{\"bid\":2}}", Map.of("kind", "quote")),
            message("4", "{\"id\":\"t2\",\"qty\":\"lots\"}", Map.of("kind", "trade"))));

    assertThat(query("SELECT id, quote FROM quotes ORDER BY id"))
        .containsExactly("q1 | {bid=1.0}", "q2 | {bid=2.0}");
    assertThat(query("SELECT * FROM trades")).containsExactly("t1 | 100");
    assertThat(query("SELECT message_id, errorMessage FROM dead_letters"))
        .containsExactly("4 | map: $.qty: \"lots\" is not an INT64");
  }

  @Test
  void replayAddsTheColumnsDeadLettersNeedAndLandsThemInTheirRoutedTable() throws Exception {
    try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(file())) {
      RowSink sink = warehouse.rowSink();
      Message late = message("9", "{\"id\":\"t9\",\"venue\":\"XNAS\"}", Map.of("kind", "trade"));
      TableAdmin admin = warehouse.tableAdmin();
      // As dcp run left it: the dead-letter table created by table set-up.
      TableSetup setup = new TableSetup(admin, true, TableOptions.none(), false);
      setup.prepareDeadLetterTable(DEAD_LETTERS);
      new TableDeadLetterSink(sink, DEAD_LETTERS)
          .write(
              List.of(
                  io.dcp.core.model.DeadLetter.of(
                      late,
                      io.dcp.core.model.Stage.MAP,
                      "$.venue",
                      "unknown field (mapping.unknownFields is reject)",
                      NOW)));
      Destinations destinations =
          Destinations.open(
              new Destinations.Settings(
                  QUOTES,
                  SCHEMA,
                  Map.of(),
                  Optional.of(TableRoute.parse("${attr:kind}s")),
                  10,
                  schema ->
                      JsonMessageMapper.create(schema, MappingConfig.typed(), "test", CLOCK)
                          .reportingNewColumns(),
                  Optional.of(admin),
                  Optional.of(setup),
                  true));

      Replay.Report report =
          new Replay(warehouse.deadLetterStore(DEAD_LETTERS), destinations, sink)
              .run(io.dcp.core.port.DeadLetterQuery.all(), false);

      assertThat(report.landed()).isEqualTo(1);
    }
    assertThat(query("SELECT id, venue FROM trades")).containsExactly("t9 | XNAS");
    assertThat(query("SELECT count(*) FROM dead_letters")).containsExactly("0");
  }

  @Test
  void readsBackTheSchemaItCreatesInBigQueryTerms() throws Exception {
    TableSchema schema =
        TableSchema.of(
            Field.of("s", FieldType.STRING, FieldMode.REQUIRED),
            Field.of("b", FieldType.BYTES),
            Field.of("i", FieldType.INT64),
            Field.of("f", FieldType.FLOAT64),
            Field.of("n", FieldType.NUMERIC),
            Field.of("ok", FieldType.BOOL),
            Field.of("ts", FieldType.TIMESTAMP),
            Field.of("d", FieldType.DATE),
            Field.of("t", FieldType.TIME),
            Field.of("dt", FieldType.DATETIME),
            Field.of("j", FieldType.JSON),
            Field.of("tags", FieldType.STRING, FieldMode.REPEATED),
            Field.struct(
                "odd \"name\"",
                FieldMode.REPEATED,
                List.of(
                    Field.of("px", FieldType.NUMERIC),
                    Field.struct(
                        "inner", FieldMode.NULLABLE, List.of(Field.of("x", FieldType.INT64))))));
    try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(file())) {
      TableAdmin admin = warehouse.tableAdmin();
      assertThat(admin.schema(QUOTES)).isEmpty();

      admin.create(QUOTES, schema, TableOptions.none());
      admin.addColumns(
          QUOTES,
          List.of(
              Field.of("added", FieldType.INT64),
              Field.struct(
                  "odd \"name\"",
                  FieldMode.REPEATED,
                  List.of(
                      Field.struct(
                          "inner",
                          FieldMode.NULLABLE,
                          List.of(Field.of("y", FieldType.STRING)))))));

      assertThat(admin.schema(QUOTES))
          .contains(
              schema.merged(
                  List.of(
                      Field.of("added", FieldType.INT64),
                      Field.struct(
                          "odd \"name\"",
                          FieldMode.REPEATED,
                          List.of(
                              Field.struct(
                                  "inner",
                                  FieldMode.NULLABLE,
                                  List.of(Field.of("y", FieldType.STRING))))))));
    }
  }
}

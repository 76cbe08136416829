package io.dcp.adapters.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.tables.TestTables;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbRowSinkTest {
  @TempDir Path dir;

  private static final TableSchema EVERY_TYPE =
      TableSchema.of(
          Field.of("s", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("b", FieldType.BYTES),
          Field.of("i", FieldType.INT64),
          Field.of("f", FieldType.FLOAT64),
          Field.of("n", FieldType.NUMERIC),
          Field.of("bn", FieldType.BIGNUMERIC),
          Field.of("ok", FieldType.BOOL),
          Field.of("ts", FieldType.TIMESTAMP),
          Field.of("d", FieldType.DATE),
          Field.of("t", FieldType.TIME),
          Field.of("dt", FieldType.DATETIME),
          Field.of("j", FieldType.JSON),
          Field.of("g", FieldType.GEOGRAPHY),
          Field.of("tags", FieldType.STRING, FieldMode.REPEATED),
          Field.struct(
              "venue",
              FieldMode.NULLABLE,
              List.of(Field.of("id", FieldType.INT64), Field.of("at", FieldType.TIMESTAMP))),
          Field.struct(
              "legs",
              FieldMode.REPEATED,
              List.of(Field.of("px", FieldType.NUMERIC), Field.of("qty", FieldType.INT64))));

  private String url() {
    return "jdbc:duckdb:" + dir.resolve("w.duckdb");
  }

  private DuckDbWarehouse open() throws SinkException {
    return DuckDbWarehouse.open(dir.resolve("w.duckdb").toString());
  }

  private List<Map<String, Object>> query(String sql) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(url());
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        Map<String, Object> row = new java.util.LinkedHashMap<>();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  @Test
  void createsTheTableAndStoresEveryBigQueryTypeExactly() throws Exception {
    Row row =
        Row.builder()
            .set("s", "AAPL")
            .set("b", Bytes.copyOf(new byte[] {0, (byte) 0xff, 7}))
            .set("i", Long.MIN_VALUE)
            .set("f", 1.5e-300)
            .set("n", new BigDecimal("12345678901234567890123456789.123456789"))
            .set("bn", new BigDecimal("1" + "0".repeat(70) + ".5"))
            .set("ok", true)
            .set("ts", Instant.parse("2026-11-24T10:15:30.123456Z"))
            .set("d", LocalDate.of(1, 1, 1))
            .set("t", LocalTime.of(23, 59, 59, 999_999_000))
            .set("dt", LocalDateTime.of(2026, 2, 28, 1, 2, 3, 4_000))
            .set("j", "{\"a\":[1,2,{\"b\":null}]}")
            .set("g", "POINT(1 2)")
            .set("tags", List.of("x", "y"))
            .set(
                "venue",
                Row.builder()
                    .set("id", 7L)
                    .set("at", Instant.parse("2026-01-01T00:00:00.000001Z"))
                    .build())
            .set(
                "legs",
                List.of(
                    Row.builder().set("px", new BigDecimal("1.5")).set("qty", 3L).build(),
                    Row.builder().set("qty", 4L).build()))
            .build();

    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("quotes"), EVERY_TYPE);
      WriteResult result =
          sink.write(new WriteBatch(TableId.local("quotes"), EVERY_TYPE, List.of(row)));
      assertThat(result.isComplete()).isTrue();
    }

    Map<String, Object> stored =
        query(
                """
                SELECT s, b, i, f, n::VARCHAR AS n, bn, ok, strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f') AS ts,
                       d::VARCHAR AS d, t::VARCHAR AS t, dt::VARCHAR AS dt, j::VARCHAR AS j, g,
                       tags::VARCHAR AS tags, venue::VARCHAR AS venue, legs::VARCHAR AS legs,
                       typeof(n) AS n_type, typeof(ts) AS ts_type, typeof(j) AS j_type
                FROM quotes""")
            .get(0);
    assertThat(stored.get("s")).isEqualTo("AAPL");
    assertThat(stored.get("i")).isEqualTo(Long.MIN_VALUE);
    assertThat(stored.get("f")).isEqualTo(1.5e-300);
    assertThat(stored.get("n")).isEqualTo("12345678901234567890123456789.123456789");
    assertThat(stored.get("bn")).isEqualTo("1" + "0".repeat(70) + ".5");
    assertThat(stored.get("ok")).isEqualTo(true);
    assertThat(stored.get("ts")).isEqualTo("2026-11-24 10:15:30.123456");
    assertThat(stored.get("d")).isEqualTo("0001-01-01");
    assertThat(stored.get("t")).isEqualTo("23:59:59.999999");
    assertThat(stored.get("dt")).isEqualTo("2026-02-28 01:02:03.000004");
    assertThat(stored.get("j")).isEqualTo("{\"a\":[1,2,{\"b\":null}]}");
    assertThat(stored.get("g")).isEqualTo("POINT(1 2)");
    assertThat(stored.get("tags")).isEqualTo("[x, y]");
    assertThat(stored.get("venue")).isEqualTo("{'id': 7, 'at': '2026-01-01 00:00:00.000001+00'}");
    assertThat(stored.get("legs"))
        .isEqualTo("[{'px': 1.500000000, 'qty': 3}, {'px': NULL, 'qty': 4}]");
    assertThat(stored.get("n_type")).isEqualTo("DECIMAL(38,9)");
    assertThat(stored.get("ts_type")).isEqualTo("TIMESTAMP WITH TIME ZONE");
    assertThat(stored.get("j_type")).isEqualTo("JSON");
    assertThat(query("SELECT hex(b) AS h FROM quotes").get(0).get("h")).isEqualTo("00FF07");
  }

  @Test
  void reportsExactlyTheRowsDuckDbRejectsAndCommitsTheOthers() throws Exception {
    TableSchema schema =
        TableSchema.of(
            Field.of("id", FieldType.STRING, FieldMode.REQUIRED), Field.of("v", FieldType.INT64));
    List<Row> rows =
        List.of(
            Row.builder().set("id", "a").set("v", 1L).build(),
            Row.builder().set("v", 2L).build(),
            Row.builder().set("id", "c").set("v", 3L).build());

    WriteResult result;
    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("t"), schema);
      result = sink.write(new WriteBatch(TableId.local("t"), schema, rows));
    }

    assertThat(result.rowErrors()).extracting(RowError::index).containsExactly(1);
    assertThat(result.rowErrors().get(0).reason()).contains("NOT NULL constraint failed");
    assertThat(query("SELECT id FROM t ORDER BY id"))
        .extracting(r -> r.get("id"))
        .containsExactly("a", "c");
  }

  @Test
  void anAppendedBatchWhoseLinesDuckDbRefusesLeavesNoRowAndNoLine() throws Exception {
    // The ledger refuses this input's lines, so every transaction that appended rows rolls back.
    try (Connection c = DriverManager.getConnection(url())) {
      c.createStatement()
          .execute(
              "CREATE TABLE _dcp_ndjson_lines (input VARCHAR NOT NULL CHECK (input <> 'in.ndjson'),"
                  + " first_line BIGINT NOT NULL, last_line BIGINT NOT NULL)");
    }
    TableSchema schema = TableSchema.of(Field.of("v", FieldType.INT64));
    List<Row> rows =
        List.of(
            Row.builder().set("v", 1L).build(),
            Row.builder().set("v", 2L).build(),
            Row.builder().set("v", 3L).build());
    List<String> ids = List.of("in.ndjson:1", "in.ndjson:2", "in.ndjson:3");

    WriteResult result;
    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("t"), schema);
      warehouse.committedLines("in.ndjson", "f1");
      warehouse.committedLines("other.ndjson", "f1");
      sink.write(
          new WriteBatch(
              TableId.local("t"),
              schema,
              List.of(Row.builder().set("v", 0L).build()),
              List.of("other.ndjson:1")));
      // Appended straight after that batch's commit, with no statement of the sink's in between.
      result = sink.write(new WriteBatch(TableId.local("t"), schema, rows, ids));
    }

    assertThat(result.rowErrors()).extracting(RowError::index).containsExactly(0, 1, 2);
    assertThat(result.rowErrors().get(0).reason()).contains("CHECK constraint failed");
    assertThat(query("SELECT v FROM t")).extracting(r -> r.get("v")).containsExactly(0L);
    assertThat(query("SELECT input FROM _dcp_ndjson_lines"))
        .extracting(r -> r.get("input"))
        .containsExactly("other.ndjson");
  }

  @Test
  void
      aBatchTheAppenderRefusesIsRolledBackThenExactlyItsRefusedRowsAreReportedAndTheOthersCommittedOnce()
          throws Exception {
    TableSchema schema =
        TableSchema.of(
            Field.of("id", FieldType.STRING, FieldMode.REQUIRED), Field.of("v", FieldType.INT64));
    List<Row> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      Row.Builder row = Row.builder().set("v", (long) i);
      if (i != 17 && i != 450) {
        row.set("id", "r" + i);
      }
      rows.add(row.build());
      ids.add("in.ndjson:" + i);
    }

    WriteResult result;
    java.util.BitSet lines;
    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("t"), schema);
      warehouse.committedLines("in.ndjson", "f1");
      sink.write(
          new WriteBatch(
              TableId.local("t"),
              schema,
              List.of(Row.builder().set("id", "first").set("v", -1L).build()),
              List.of("in.ndjson:601")));
      result = sink.write(new WriteBatch(TableId.local("t"), schema, rows, ids));
      // A later batch of the same table goes in as usual.
      sink.write(
          new WriteBatch(
              TableId.local("t"),
              schema,
              List.of(Row.builder().set("id", "next").set("v", 600L).build()),
              List.of("in.ndjson:600")));
      lines = warehouse.committedLines("in.ndjson", "f1");
    }

    assertThat(result.rowErrors()).extracting(RowError::index).containsExactly(17, 450);
    assertThat(result.rowErrors())
        .allSatisfy(e -> assertThat(e.reason()).contains("NOT NULL constraint failed"));
    assertThat(query("SELECT count(*) AS c, count(DISTINCT v) AS d FROM t").get(0))
        .containsEntry("c", 600L)
        .containsEntry("d", 600L);
    assertThat(lines.cardinality()).isEqualTo(600);
    assertThat(lines.get(17)).isFalse();
    assertThat(lines.get(450)).isFalse();
  }

  @Test
  void recordsTheLinesOfATrackedFileInTheTransactionOfTheirRowsAndForgetsThemForAnotherFile()
      throws Exception {
    TableSchema schema =
        TableSchema.of(
            Field.of("id", FieldType.STRING, FieldMode.REQUIRED), Field.of("v", FieldType.INT64));
    List<Row> rows =
        List.of(
            Row.builder().set("id", "a").set("v", 1L).build(),
            Row.builder().set("id", "a2").set("v", 1L).build(),
            Row.builder().set("v", 2L).build(),
            Row.builder().set("id", "c").set("v", 3L).build(),
            Row.builder().set("id", "p").set("v", 4L).build());
    List<String> ids = List.of("in.ndjson:1", "in.ndjson:1", "in.ndjson:2", "in.ndjson:3", "42");

    java.util.BitSet first;
    java.util.BitSet second;
    java.util.BitSet replaced;
    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("t"), schema);
      first = warehouse.committedLines("in.ndjson", "f1");
      sink.write(new WriteBatch(TableId.local("t"), schema, rows.subList(0, 2), ids.subList(0, 2)));
      // The batch fails as a whole (a NULL id), so rows are committed one by one.
      sink.write(new WriteBatch(TableId.local("t"), schema, rows.subList(2, 5), ids.subList(2, 5)));
      second = warehouse.committedLines("in.ndjson", "f1");
      replaced = warehouse.committedLines("in.ndjson", "f2");
    }

    assertThat(first.cardinality()).isZero();
    assertThat(second.stream().boxed().toList()).containsExactly(1, 3);
    assertThat(replaced.cardinality()).isZero();
  }

  @Test
  void refusesAnExistingTableThatLacksAColumnNamingTheFix() throws Exception {
    try (Connection c = DriverManager.getConnection(url())) {
      c.createStatement().execute("CREATE TABLE t (id VARCHAR)");
    }
    TableSchema schema =
        TableSchema.of(Field.of("id", FieldType.STRING), Field.of("price", FieldType.FLOAT64));

    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      assertThatThrownBy(
              () -> sink.write(new WriteBatch(TableId.local("t"), schema, List.of(Row.empty()))))
          .isInstanceOf(SinkException.class)
          .hasMessageContaining("has no column price")
          .hasMessageContaining("ALTER TABLE")
          .satisfies(e -> assertThat(((SinkException) e).isTransient()).isFalse());
    }
  }

  @Test
  void quotesIdentifiersSoNamesNeverBecomeSql() throws Exception {
    TableSchema schema = TableSchema.of(Field.of("a\"; DROP TABLE x; --", FieldType.STRING));

    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("select"), schema);
      sink.write(
          new WriteBatch(
              TableId.local("select"),
              schema,
              List.of(Row.builder().set("a\"; DROP TABLE x; --", "v").build())));
    }

    assertThat(query("SELECT * FROM \"select\""))
        .singleElement()
        .satisfies(r -> assertThat(r).containsEntry("a\"; DROP TABLE x; --", "v"));
  }

  @Test
  void createsTheDirectoryOfANewDatabaseFile() throws Exception {
    Path file = dir.resolve("not/there/yet.duckdb");

    TableSchema schema = TableSchema.of(Field.of("a", FieldType.INT64));
    try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(file.toString());
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("t"), schema);
      sink.write(
          new WriteBatch(TableId.local("t"), schema, List.of(Row.builder().set("a", 1L).build())));
    }

    assertThat(file).exists();
  }

  @Test
  void landsEveryRowWrittenFromFourThreadsAtOnce() throws Exception {
    TableSchema schema = TableSchema.of(Field.of("n", FieldType.INT64));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("n"), schema);
      List<Future<WriteResult>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  WriteResult last = null;
                  for (int b = 0; b < 25; b++) {
                    List<Row> rows = new ArrayList<>();
                    for (int r = 0; r < 10; r++) {
                      rows.add(Row.builder().set("n", (long) (thread * 1000 + b * 10 + r)).build());
                    }
                    last = sink.write(new WriteBatch(TableId.local("n"), schema, rows));
                  }
                  return last;
                }));
      }
      for (Future<WriteResult> f : results) {
        assertThat(f.get().isComplete()).isTrue();
      }
    } finally {
      pool.shutdown();
    }

    assertThat(query("SELECT count(*) AS c, count(DISTINCT n) AS d FROM n").get(0))
        .containsEntry("c", 1000L)
        .containsEntry("d", 1000L);
  }

  /**
   * Writes {@code batches} from a thread each while the test holds the warehouse's lock, so that
   * all of them are waiting, in this order, when it lets go: the next writer to take the lock finds
   * them all. Returns each writer's result, or the exception it got.
   */
  private List<Object> writeWhileTheLockIsHeld(
      DuckDbWarehouse warehouse, DuckDbRowSink sink, List<WriteBatch> batches) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(batches.size());
    try {
      List<Future<WriteResult>> futures = new ArrayList<>();
      synchronized (warehouse) {
        for (WriteBatch batch : batches) {
          futures.add(pool.submit(() -> sink.write(batch)));
          int queued = futures.size();
          await().atMost(Duration.ofSeconds(30)).until(() -> sink.waitingBatches() == queued);
        }
      }
      List<Object> outcomes = new ArrayList<>();
      for (Future<WriteResult> f : futures) {
        try {
          outcomes.add(f.get(60, TimeUnit.SECONDS));
        } catch (ExecutionException e) {
          outcomes.add(e.getCause());
        }
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  private static WriteBatch lines(String table, TableSchema schema, int first, int last) {
    List<Row> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int line = first; line <= last; line++) {
      rows.add(Row.builder().set("id", "r" + line).set("v", (long) line).build());
      ids.add("in.ndjson:" + line);
    }
    return new WriteBatch(TableId.local(table), schema, rows, ids);
  }

  @Test
  void commitsTheBatchesOfWritersWaitingForTheLockInOneTransaction() throws Exception {
    TableSchema schema =
        TableSchema.of(
            Field.of("id", FieldType.STRING, FieldMode.REQUIRED), Field.of("v", FieldType.INT64));

    List<Object> outcomes;
    BitSet committed;
    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("t"), schema);
      TestTables.create(warehouse, TableId.local("u"), schema);
      warehouse.committedLines("in.ndjson", "f1");
      outcomes =
          writeWhileTheLockIsHeld(
              warehouse,
              (DuckDbRowSink) sink,
              List.of(
                  lines("t", schema, 1, 2), lines("u", schema, 3, 4), lines("t", schema, 5, 6)));
      committed = warehouse.committedLines("in.ndjson", "f1");
    }

    assertThat(outcomes)
        .allSatisfy(o -> assertThat(o).isInstanceOf(WriteResult.class))
        .allSatisfy(o -> assertThat(((WriteResult) o).isComplete()).isTrue());
    assertThat(query("SELECT v FROM t ORDER BY v"))
        .extracting(r -> r.get("v"))
        .containsExactly(1L, 2L, 5L, 6L);
    assertThat(query("SELECT v FROM u ORDER BY v"))
        .extracting(r -> r.get("v"))
        .containsExactly(3L, 4L);
    // One transaction recorded the six lines of the three batches as one run.
    assertThat(query("SELECT first_line, last_line FROM _dcp_ndjson_lines"))
        .containsExactly(Map.of("first_line", 1L, "last_line", 6L));
    assertThat(committed.stream().boxed().toList()).containsExactly(1, 2, 3, 4, 5, 6);
  }

  @Test
  void aGroupDuckDbRefusesIsWrittenBatchByBatchSoExactlyTheRefusedRowIsReported() throws Exception {
    TableSchema schema =
        TableSchema.of(
            Field.of("id", FieldType.STRING, FieldMode.REQUIRED), Field.of("v", FieldType.INT64));
    WriteBatch good = lines("t", schema, 3, 4);
    WriteBatch refused =
        new WriteBatch(
            TableId.local("t"),
            schema,
            List.of(
                Row.builder().set("id", "r1").set("v", 1L).build(),
                Row.builder().set("v", 2L).build()),
            List.of("in.ndjson:1", "in.ndjson:2"));
    WriteBatch missingTable = lines("gone", schema, 5, 5);

    List<Object> outcomes;
    BitSet committed;
    try (DuckDbWarehouse warehouse = open();
        RowSink sink = warehouse.rowSink()) {
      TestTables.create(warehouse, TableId.local("t"), schema);
      warehouse.committedLines("in.ndjson", "f1");
      outcomes =
          writeWhileTheLockIsHeld(
              warehouse, (DuckDbRowSink) sink, List.of(refused, missingTable, good));
      committed = warehouse.committedLines("in.ndjson", "f1");
    }

    WriteResult refusedResult = (WriteResult) outcomes.get(0);
    assertThat(refusedResult.rowErrors()).extracting(RowError::index).containsExactly(1);
    assertThat(refusedResult.rowErrors().get(0).reason()).contains("NOT NULL constraint failed");
    assertThat(outcomes.get(1))
        .isInstanceOfSatisfying(
            SinkException.class,
            e -> assertThat(e.getMessage()).contains("gone").contains("does not exist"));
    assertThat(((WriteResult) outcomes.get(2)).isComplete()).isTrue();
    assertThat(query("SELECT v FROM t ORDER BY v"))
        .extracting(r -> r.get("v"))
        .containsExactly(1L, 3L, 4L);
    assertThat(committed.stream().boxed().toList()).containsExactly(1, 3, 4);
  }

  @Test
  void keepsDeadLettersInTheSharedLayoutWithAttributes() throws Exception {
    Message message =
        new Message(
            "m-1",
            new byte[] {'{', (byte) 0xc3, '}'},
            Map.of("type", "quote", "source", "feed"),
            Instant.parse("2026-11-24T09:00:00.5Z"),
            "AAPL",
            2);
    DeadLetter letter =
        DeadLetter.of(
            message,
            Stage.DECODE,
            "",
            "invalid UTF-8 at byte 1",
            Instant.parse("2026-11-24T09:00:01Z"));

    try (DuckDbWarehouse warehouse = open();
        TableDeadLetterSink sink =
            new TableDeadLetterSink(warehouse.rowSink(), TableId.local("dead_letters"))) {
      TestTables.createDeadLetterTable(warehouse, TableId.local("dead_letters"));
      sink.write(List.of(letter));
    }

    Map<String, Object> row =
        query(
                """
                SELECT strftime(timestamp AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S') AS ts, payloadString,
                       hex(payloadBytes) AS bytes, attributes::VARCHAR AS attributes, errorMessage,
                       stacktrace, message_id, ordering_key, delivery_attempt, stage, field_path, reason
                FROM dead_letters""")
            .get(0);
    assertThat(row)
        .containsEntry("ts", "2026-11-24 09:00:01")
        .containsEntry("payloadString", null)
        .containsEntry("bytes", "7BC37D")
        .containsEntry(
            "attributes", "[{'key': source, 'value': feed}, {'key': type, 'value': quote}]")
        .containsEntry("errorMessage", "decode: invalid UTF-8 at byte 1")
        .containsEntry("stacktrace", null)
        .containsEntry("message_id", "m-1")
        .containsEntry("ordering_key", "AAPL")
        .containsEntry("delivery_attempt", 2L)
        .containsEntry("stage", "decode")
        .containsEntry("field_path", null)
        .containsEntry("reason", "invalid UTF-8 at byte 1");
  }
}

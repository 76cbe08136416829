package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.RowError;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StorageWriteRowSinkTest {
  private static final TableId TABLE = new TableId("test-project", "events", "quotes");

  static final TableSchema ALL_TYPES =
      TableSchema.of(
          Field.of("s", FieldType.STRING),
          Field.of("b", FieldType.BYTES),
          Field.of("i", FieldType.INT64, FieldMode.REQUIRED),
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
          Field.of("amounts", FieldType.NUMERIC, FieldMode.REPEATED),
          Field.struct(
              "quote",
              FieldMode.NULLABLE,
              List.of(
                  Field.of("bid", FieldType.FLOAT64),
                  Field.of("at", FieldType.TIMESTAMP),
                  Field.struct(
                      "venue", FieldMode.NULLABLE, List.of(Field.of("code", FieldType.STRING))))),
          Field.struct(
              "legs",
              FieldMode.REPEATED,
              List.of(Field.of("qty", FieldType.INT64), Field.of("px", FieldType.BIGNUMERIC))));

  private FakeBigQueryWriteServer server;
  private StorageWriteRowSink sink;

  @BeforeEach
  void start() throws Exception {
    server = FakeBigQueryWriteServer.start();
    server.createTable(TABLE, ALL_TYPES);
    sink =
        new StorageWriteRowSink(
            StorageWriteSettings.defaults("test-project").withEndpoint(server.endpoint()));
  }

  @AfterEach
  void stop() {
    sink.close();
    server.close();
  }

  static Row fullRow(long i) {
    return Row.builder()
        .set("s", "héllo " + i)
        .set("b", Bytes.copyOf(new byte[] {0, (byte) 0xFF, 7}))
        .set("i", -9_007_199_254_740_993L + i)
        .set("f", -1.5e-300)
        .set("n", new BigDecimal("-99999999999999999999999999999.999999999"))
        .set(
            "bn",
            new BigDecimal(
                "578960446186580977117854925043439539266.34992332820282019728792003956564819967"))
        .set("ok", true)
        .set("ts", Instant.parse("1969-12-31T23:59:59.999999Z"))
        .set("d", LocalDate.of(1, 1, 1))
        .set("t", LocalTime.of(23, 59, 59, 999_999_000))
        .set("dt", LocalDateTime.of(9999, 12, 31, 23, 59, 59, 999_999_000))
        .set("j", "{\"a\":[1,2,{\"b\":null}]}")
        .set("g", "POINT(-122.35 47.62)")
        .set("tags", List.of("x", "", "z"))
        .set(
            "amounts",
            List.of(new BigDecimal("0.000000001"), new BigDecimal("12"), BigDecimal.ZERO))
        .set(
            "quote",
            Row.builder()
                .set("bid", 12.5)
                .set("at", Instant.parse("2024-02-29T12:00:00.123456Z"))
                .set("venue", Row.builder().set("code", "XNAS").build())
                .build())
        .set(
            "legs",
            List.of(
                Row.builder().set("qty", 1L).set("px", new BigDecimal("-1E-38")).build(),
                Row.builder().set("qty", 2L).build()))
        .build();
  }

  @Test
  void everyTypeAndModeRoundTripsThroughTheRealClient() throws Exception {
    List<Row> rows =
        List.of(
            fullRow(0),
            Row.builder().set("i", 1L).build(),
            Row.builder()
                .set("i", 0L)
                .set("n", new BigDecimal("123.456"))
                .set("bn", new BigDecimal("1"))
                .set("ts", Instant.parse("2024-06-01T00:00:00Z"))
                .set("t", LocalTime.MIDNIGHT)
                .set("f", Double.NaN)
                .build());

    WriteResult result = sink.write(new WriteBatch(TABLE, ALL_TYPES, rows));

    assertThat(result.isComplete()).isTrue();
    assertThat(server.rows(TABLE)).containsExactlyElementsOf(rows);
  }

  @Test
  void rowErrorsRejectExactlyThoseRowsAndTheOthersAreWritten() throws Exception {
    server.rejectRows(
        row -> ((Long) row.get("i")) % 3 == 0, "Field i: value is not allowed by the test");
    List<Row> rows =
        IntStream.range(0, 10).mapToObj(i -> Row.builder().set("i", (long) i).build()).toList();

    WriteResult result = sink.write(new WriteBatch(TABLE, ALL_TYPES, rows));

    assertThat(result.rowErrors())
        .containsExactly(
            new RowError(0, "Field i: value is not allowed by the test"),
            new RowError(3, "Field i: value is not allowed by the test"),
            new RowError(6, "Field i: value is not allowed by the test"),
            new RowError(9, "Field i: value is not allowed by the test"));
    assertThat(server.rows(TABLE))
        .containsExactly(
            rows.get(1), rows.get(2), rows.get(4), rows.get(5), rows.get(7), rows.get(8));
  }

  @Test
  void valueThatDoesNotFitItsColumnIsARowErrorNamingTheColumn() throws Exception {
    List<Row> rows =
        List.of(
            Row.builder().set("i", 1L).set("n", new BigDecimal("0.0000000001")).build(),
            Row.builder().set("i", 2L).build());

    WriteResult result = sink.write(new WriteBatch(TABLE, ALL_TYPES, rows));

    assertThat(result.rowErrors()).hasSize(1);
    assertThat(result.rowErrors().get(0).index()).isZero();
    assertThat(result.rowErrors().get(0).reason())
        .contains("column n of type NUMERIC")
        .contains("scale cannot exceed 9");
    assertThat(server.rows(TABLE)).containsExactly(rows.get(1));
  }

  @Test
  void unavailableIsATransientFailureAndTheNextWriteSucceeds() throws Exception {
    server.failNextAppends(1);
    var batch = new WriteBatch(TABLE, ALL_TYPES, List.of(Row.builder().set("i", 5L).build()));

    assertThatThrownBy(() -> sink.write(batch))
        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessageContaining("UNAVAILABLE")
        .hasMessageContaining("test-project.events.quotes");
    assertThat(server.rows(TABLE)).isEmpty();

    assertThat(sink.write(batch).isComplete()).isTrue();
    assertThat(server.rows(TABLE)).containsExactly(batch.rows().get(0));
  }

  @Test
  void appendWithNoResponseIsTransientAndTheNextWriteUsesAFreshConnection() throws Exception {
    var settings = StorageWriteSettings.defaults("test-project").withEndpoint(server.endpoint());
    try (var impatient =
        new StorageWriteRowSink(
            new StorageWriteSettings(
                settings.project(),
                settings.endpoint(),
                settings.maxRequestBytes(),
                java.time.Duration.ofMillis(300),
                settings.reconnectWindow()))) {
      server.stallNextAppends(1);
      var batch = new WriteBatch(TABLE, ALL_TYPES, List.of(Row.builder().set("i", 9L).build()));

      assertThatThrownBy(() -> impatient.write(batch))
          .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isTrue())
          .hasMessageContaining("got no response within");

      assertThat(impatient.write(batch).isComplete()).isTrue();
      assertThat(server.rows(TABLE)).containsExactly(batch.rows().get(0));
    }
  }

  @Test
  void localTableNameIsAPermanentFailureAskingForADataset() {
    var batch =
        new WriteBatch(
            TableId.local("quotes"), ALL_TYPES, List.of(Row.builder().set("i", 1L).build()));

    assertThatThrownBy(() -> sink.write(batch))
        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessageContaining("needs a dataset");
  }

  @Test
  void columnNameThatIsNotAProtoFieldNameIsAPermanentFailure() {
    var schema = TableSchema.of(Field.of("bad-name", FieldType.STRING));
    var batch = new WriteBatch(TABLE, schema, List.of(Row.builder().set("bad-name", "x").build()));

    assertThatThrownBy(() -> sink.write(batch))
        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessageContaining("column 'bad-name'");
  }

  @Test
  void missingTableIsPermanentAndNamesTheFix() {
    var missing = new TableId("test-project", "events", "nope");
    var batch = new WriteBatch(missing, ALL_TYPES, List.of(Row.builder().set("i", 5L).build()));

    assertThatThrownBy(() -> sink.write(batch))
        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessageContaining("table test-project.events.nope does not exist")
        .hasMessageContaining("bq mk --table test-project:events.nope")
        .hasMessageContaining("table.create: true");
  }

  @Test
  void fifteenMegabyteBatchIsSplitIntoAppendsUnderTenMegabytes() throws Exception {
    String payload = "x".repeat(100_000);
    List<Row> rows = new ArrayList<>();
    for (long i = 0; i < 150; i++) {
      rows.add(Row.builder().set("i", i).set("s", payload).build());
    }

    WriteResult result = sink.write(new WriteBatch(TABLE, ALL_TYPES, rows));

    assertThat(result.isComplete()).isTrue();
    assertThat(server.rows(TABLE)).containsExactlyElementsOf(rows);
    assertThat(server.requestSizes())
        .hasSizeGreaterThanOrEqualTo(2)
        .allSatisfy(size -> assertThat(size).isLessThan(FakeBigQueryWriteServer.MAX_REQUEST_BYTES));
    long total = server.requestSizes().stream().mapToLong(Integer::longValue).sum();
    assertThat(total).isGreaterThan(15_000_000L);
  }

  @Test
  void newColumnReportedAsUpdatedSchemaIsWrittenAfterTheWriterRefreshes() throws Exception {
    var narrow = TableSchema.of(Field.of("i", FieldType.INT64, FieldMode.REQUIRED));
    server.createTable(TABLE, narrow);
    sink.write(new WriteBatch(TABLE, narrow, List.of(Row.builder().set("i", 1L).build())));
    var wide = narrow.withFields(List.of(Field.of("note", FieldType.STRING)));
    server.updateSchema(TABLE, wide);

    sink.write(new WriteBatch(TABLE, narrow, List.of(Row.builder().set("i", 2L).build())));
    Row withNote = Row.builder().set("i", 3L).set("note", "new").build();
    sink.write(new WriteBatch(TABLE, wide, List.of(withNote)));

    assertThat(server.rows(TABLE))
        .containsExactly(
            Row.builder().set("i", 1L).build(), Row.builder().set("i", 2L).build(), withNote);
  }

  @Test
  void aColumnTheWritePathDoesNotSeeYetIsATransientFailureThatPassesOnceItDoes() throws Exception {
    var narrow = TableSchema.of(Field.of("i", FieldType.INT64));
    server.createTable(TABLE, narrow);
    server.delaySchemaChanges(java.time.Duration.ofMillis(500));
    var wide = narrow.withFields(List.of(Field.of("note", FieldType.STRING)));
    server.updateSchema(TABLE, wide);
    Row withNote = Row.builder().set("i", 1L).set("note", "new").build();

    assertThatThrownBy(() -> sink.write(new WriteBatch(TABLE, wide, List.of(withNote))))
        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessageStartingWith(
            "table test-project.events.quotes has columns the Storage Write API does not see yet"
                + " (Input schema has more fields than BigQuery schema, extra fields: 'note'");
    Thread.sleep(600);
    sink.write(new WriteBatch(TABLE, wide, List.of(withNote)));

    assertThat(server.rows(TABLE)).containsExactly(withNote);
  }

  @Test
  void concurrentWritesFromManyThreadsAreAllCommitted() throws Exception {
    var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<WriteResult>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long base = t * 1000L;
        results.add(
            pool.submit(
                () -> {
                  WriteResult last = null;
                  for (long b = 0; b < 10; b++) {
                    List<Row> rows = new ArrayList<>();
                    for (long r = 0; r < 20; r++) {
                      rows.add(Row.builder().set("i", base + b * 20 + r).build());
                    }
                    last = sink.write(new WriteBatch(TABLE, ALL_TYPES, rows));
                  }
                  return last;
                }));
      }
      for (var result : results) {
        assertThat(result.get(30, java.util.concurrent.TimeUnit.SECONDS).isComplete()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(server.rows(TABLE)).hasSize(800).doesNotHaveDuplicates();
  }

  @Test
  void bytesAreNotConfusedWithStrings() throws Exception {
    Row row =
        Row.builder()
            .set("i", 1L)
            .set("b", Bytes.copyOf("not text \u0000".getBytes(StandardCharsets.UTF_8)))
            .build();
    sink.write(new WriteBatch(TABLE, ALL_TYPES, List.of(row)));
    assertThat(server.rows(TABLE)).containsExactly(row);
  }
}

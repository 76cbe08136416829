package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A BigQuery warehouse over the fake Storage Write and REST servers, opened from its settings. */
class BigQueryWarehouseTest {
  private static final String PROJECT = "test-project";
  private static final TableId QUOTES = new TableId(PROJECT, "events", "quotes");
  private static final TableId DEAD_LETTERS = new TableId(PROJECT, "events", "dead_letters");
  private static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("bid", FieldType.FLOAT64));
  private static final Row AAPL = Row.builder().set("symbol", "AAPL").set("bid", 1.5).build();
  private static final Instant T = Instant.parse("2026-11-24T10:00:00.123456Z");
  private static final String CLOSED = "the BigQuery warehouse of project test-project is closed";

  private FakeBigQueryWriteServer write;
  private FakeBigQueryRestServer rest;
  private BigQueryWarehouse warehouse;

  @BeforeEach
  void start() throws Exception {
    write = FakeBigQueryWriteServer.start();
    rest = FakeBigQueryRestServer.start(write);
    rest.createDataset(PROJECT, "events");
    warehouse =
        BigQueryWarehouse.open(
            BigQueryWarehouseSettings.of(PROJECT, write.endpoint(), rest.url()),
            Clock.fixed(T.plusSeconds(60), ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    warehouse.close();
    rest.close();
    write.close();
  }

  @Test
  void aRowWrittenThroughTheWarehouseIsReadBackFromItsTable() throws Exception {
    try (TableAdmin admin = warehouse.tableAdmin()) {
      admin.create(QUOTES, SCHEMA, TableOptions.none());
    }

    WriteResult result = warehouse.rowSink().write(new WriteBatch(QUOTES, SCHEMA, List.of(AAPL)));

    assertThat(result.isComplete()).isTrue();
    assertThat(write.rows(QUOTES)).containsExactly(AAPL);
    assertThat(warehouse.tableAdmin().schema(new TableId("", "events", "quotes"))).contains(SCHEMA);
  }

  @Test
  void aDeadLetterWrittenThroughTheRowSinkIsReadBackFromTheWarehousesStore() throws Exception {
    warehouse.tableAdmin().create(DEAD_LETTERS, DeadLetterTable.SCHEMA, TableOptions.none());
    DeadLetter deadLetter =
        DeadLetter.of(
            Message.ofUtf8("m-1", "{\"bid\":2}", T.minusSeconds(5)),
            Stage.MAP,
            "$.symbol",
            "missing required field",
            T);
    new TableDeadLetterSink(warehouse.rowSink(), DEAD_LETTERS).write(List.of(deadLetter));

    try (DeadLetterStore store = warehouse.deadLetterStore(DEAD_LETTERS)) {
      List<DeadLetterStore.Stored> found = store.find(DeadLetterQuery.all());
      assertThat(found).extracting(DeadLetterStore.Stored::deadLetter).containsExactly(deadLetter);

      store.remove(found);

      assertThat(store.find(DeadLetterQuery.all())).isEmpty();
    }
    assertThat(write.rows(new TableId(PROJECT, "events", "dead_letters_replayed")))
        .containsExactly(
            Row.builder()
                .set("message_id", "m-1")
                .set("failed_at", T)
                .set("replayed_at", T.plusSeconds(60))
                .build());
  }

  @Test
  void closeClosesTheStorageWriteStreamsAndASecondCloseIsHarmless() throws Exception {
    warehouse.tableAdmin().create(QUOTES, SCHEMA, TableOptions.none());
    warehouse.rowSink().write(new WriteBatch(QUOTES, SCHEMA, List.of(AAPL)));
    assertThat(write.openAppendStreams()).isEqualTo(1);

    warehouse.close();
    warehouse.close();

    await().atMost(Duration.ofSeconds(30)).until(() -> write.openAppendStreams() == 0);
  }

  @Test
  void closingTheRowSinkLeavesTheWarehouseOpen() throws Exception {
    warehouse.tableAdmin().create(QUOTES, SCHEMA, TableOptions.none());
    warehouse.rowSink().write(new WriteBatch(QUOTES, SCHEMA, List.of(AAPL)));

    warehouse.rowSink().close();
    warehouse.rowSink().write(new WriteBatch(QUOTES, SCHEMA, List.of(AAPL)));

    assertThat(write.rows(QUOTES)).containsExactly(AAPL, AAPL);
  }

  @Test
  void everythingTheWarehouseHandedOutFailsClearlyAfterClose() throws Exception {
    TableAdmin admin = warehouse.tableAdmin();
    admin.create(QUOTES, SCHEMA, TableOptions.none());
    DeadLetterStore store = warehouse.deadLetterStore(DEAD_LETTERS);
    int requests = rest.requests().size();

    warehouse.close();

    assertClosed(() -> warehouse.rowSink().write(new WriteBatch(QUOTES, SCHEMA, List.of(AAPL))));
    assertClosed(warehouse::tableAdmin);
    assertClosed(() -> warehouse.deadLetterStore(DEAD_LETTERS));
    assertClosed(() -> admin.schema(QUOTES));
    assertClosed(() -> admin.addColumns(QUOTES, List.of(Field.of("ask", FieldType.FLOAT64))));
    assertClosed(() -> store.find(DeadLetterQuery.all()));
    assertThat(write.rows(QUOTES)).isEmpty();
    assertThat(rest.requests()).hasSize(requests);
    assertThat(write.openAppendStreams()).isZero();
  }

  private static void assertClosed(Call call) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            SinkException.class,
            e -> assertThat(e.isTransient() || e.isFatal()).as("permanent").isFalse())
        .hasMessage(CLOSED);
  }

  /** A call to the warehouse or to what it handed out. */
  private interface Call {
    void run() throws Exception;
  }
}

package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
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
import io.dcp.core.port.TableOptions;
import io.dcp.core.replay.Replay;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Dead letters written by the real table sink over the Storage Write sink to the fakes, then read
 * back and replayed through core's Replay with the real BigQuery REST client.
 */
class BigQueryDeadLetterStoreTest {
  private static final String PROJECT = "test-project";
  private static final TableId QUOTES = new TableId(PROJECT, "events", "quotes");
  private static final TableId DEAD_LETTERS = new TableId(PROJECT, "events", "dead_letters");
  private static final TableId LEDGER = new TableId(PROJECT, "events", "dead_letters_replayed");
  private static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("bid", FieldType.FLOAT64));
  private static final Instant T = Instant.parse("2026-11-24T10:00:00.123456Z");
  private static final Instant NOW = Instant.parse("2026-11-25T08:00:00Z");

  private static final DeadLetter AAPL =
      DeadLetter.of(
          Message.ofUtf8("m-1", "{\"symbol\":\"AAPL\",\"bid\":1.5}", T.minusSeconds(5)),
          Stage.MAP,
          "$.bid",
          "1.5 is not a NUMERIC",
          T.plusSeconds(2));
  private static final DeadLetter NO_SYMBOL =
      DeadLetter.of(
          Message.ofUtf8("m-2", "{\"bid\":2}", T.minusSeconds(4)),
          Stage.MAP,
          "$.symbol",
          "missing required field",
          T.plusSeconds(1));
  private static final DeadLetter MSFT =
      new DeadLetter(
          new Message(
              "m-3",
              "{\"symbol\":\"MSFT\",\"bid\":2.5}".getBytes(StandardCharsets.UTF_8),
              Map.of("source", "feed-a", "region", "eu"),
              T.minusSeconds(3),
              "key-7",
              3),
          Stage.PARSE,
          "",
          "malformed JSON",
          "java.io.IOException: boom\n\tat x",
          T);

  private FakeBigQueryWriteServer write;
  private FakeBigQueryRestServer rest;
  private StorageWriteRowSink rows;
  private BigQueryDeadLetterStore store;

  @BeforeEach
  void start() throws Exception {
    write = FakeBigQueryWriteServer.start();
    rest = FakeBigQueryRestServer.start(write);
    rest.createDataset(PROJECT, "events");
    rest.limitPageRows(2);
    BigQueryTableAdmin admin = BigQueryTableAdmin.connect(PROJECT, rest.url());
    admin.create(QUOTES, SCHEMA, TableOptions.none());
    admin.create(DEAD_LETTERS, DeadLetterTable.SCHEMA, TableOptions.none());
    rows =
        new StorageWriteRowSink(
            StorageWriteSettings.defaults(PROJECT).withEndpoint(write.endpoint()));
    new TableDeadLetterSink(rows, DEAD_LETTERS).write(List.of(AAPL, NO_SYMBOL, MSFT));
    store =
        BigQueryDeadLetterStore.connect(
            PROJECT,
            rest.url(),
            new TableId("", "events", "dead_letters"),
            rows,
            Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @AfterEach
  void stop() {
    rows.close();
    rest.close();
    write.close();
  }

  @Test
  void findsEveryDeadLetterWholeOldestFirstKeyedByMessageIdAndTimestamp() throws Exception {
    List<DeadLetterStore.Stored> found = store.find(DeadLetterQuery.all());

    assertThat(found)
        .extracting(DeadLetterStore.Stored::deadLetter)
        .containsExactly(MSFT, NO_SYMBOL, AAPL);
    assertThat(found)
        .extracting(DeadLetterStore.Stored::key)
        .containsExactly("m-3@1795514400123456", "m-2@1795514401123456", "m-1@1795514402123456");
    assertThat(store.ledger()).isEqualTo(LEDGER);
    assertThat(store.replayed()).isEqualTo("were marked replayed in " + LEDGER);
    assertThat(store.foreignRows()).isZero();
    assertThat(store.notes()).isEmpty();
  }

  @Test
  void replayLandsExactRowsMarksThemInTheLedgerAndReplaysThemOnlyOnce() throws Exception {
    Replay.Report first = replay().run(DeadLetterQuery.all(), false);
    Replay.Report second = replay().run(DeadLetterQuery.all(), false);

    assertThat(first)
        .isEqualTo(new Replay.Report(3, 2, 2, Map.of("map: $.symbol: missing required field", 1)));
    assertThat(write.rows(QUOTES))
        .containsExactly(
            Row.builder().set("symbol", "MSFT").set("bid", 2.5).build(),
            Row.builder().set("symbol", "AAPL").set("bid", 1.5).build());
    assertThat(write.rows(LEDGER))
        .containsExactly(
            Row.builder()
                .set("message_id", "m-3")
                .set("failed_at", T)
                .set("replayed_at", NOW)
                .build(),
            Row.builder()
                .set("message_id", "m-1")
                .set("failed_at", T.plusSeconds(2))
                .set("replayed_at", NOW)
                .build());
    assertThat(second)
        .isEqualTo(new Replay.Report(1, 0, 0, Map.of("map: $.symbol: missing required field", 1)));
    assertThat(store.find(DeadLetterQuery.all()))
        .extracting(DeadLetterStore.Stored::deadLetter)
        .containsExactly(NO_SYMBOL);
    assertThat(write.rows(DEAD_LETTERS)).as("rows stay in the dead-letter table").hasSize(3);
  }

  @Test
  void aDeadLetterWithTheSameMessageIdRejectedAgainLaterIsStillSelected() throws Exception {
    replay().run(DeadLetterQuery.all(), false);
    DeadLetter again =
        DeadLetter.of(
            Message.ofUtf8("m-1", "{\"symbol\":\"AAPL\",\"bid\":1.5}", T.minusSeconds(5)),
            Stage.WRITE,
            "",
            "table unavailable",
            T.plusSeconds(60));
    new TableDeadLetterSink(rows, DEAD_LETTERS).write(List.of(again));

    assertThat(store.find(DeadLetterQuery.all()))
        .extracting(DeadLetterStore.Stored::deadLetter)
        .containsExactly(NO_SYMBOL, again);
  }

  @Test
  void dryRunWritesNothingAndCreatesNoLedger() throws Exception {
    int setupRequests = rest.requests().size();

    Replay.Report dry = replay().run(DeadLetterQuery.all(), true);

    assertThat(dry.landed()).isEqualTo(2);
    assertThat(write.rows(QUOTES)).isEmpty();
    assertThat(rest.table(LEDGER)).isEmpty();
    assertThat(rest.requests().subList(setupRequests, rest.requests().size()))
        .isNotEmpty()
        .allMatch(r -> r.startsWith("GET "));
    assertThat(store.find(DeadLetterQuery.all())).hasSize(3);
  }

  @Test
  void selectsByStageReasonAndTime() throws Exception {
    assertThat(ids(query(Stage.PARSE, null, null, null))).containsExactly("m-3");
    assertThat(ids(query(null, "NUMERIC|required", null, null))).containsExactly("m-2", "m-1");
    assertThat(ids(query(null, null, T.plusSeconds(1), T.plusSeconds(2)))).containsExactly("m-2");
    assertThat(ids(query(Stage.MAP, "required", T, null))).containsExactly("m-2");

    replay().run(query(Stage.MAP, null, T.plusSeconds(2), null), false);

    assertThat(write.rows(QUOTES))
        .containsExactly(Row.builder().set("symbol", "AAPL").set("bid", 1.5).build());
    assertThat(ids(DeadLetterQuery.all())).containsExactly("m-3", "m-2");
  }

  @Test
  void rowsThatAreNotDcpDeadLettersAreCountedAndNeverSelected() throws Exception {
    write.addRows(
        DEAD_LETTERS,
        List.of(Row.builder().set("timestamp", T).set("payloadString", "{}").build()));

    assertThat(ids(DeadLetterQuery.all())).containsExactly("m-3", "m-2", "m-1");
    assertThat(store.foreignRows()).isEqualTo(1);
    assertThat(store.notes())
        .containsExactly(
            // The table as it was named, without the project the store qualifies it with.
            "1 rows of events.dead_letters are not dcp dead letters (no stage or message_id): never replayed, they"
                + " stay.");
  }

  @Test
  void absentDeadLetterTableHasNothingToReplay() throws Exception {
    var absent =
        BigQueryDeadLetterStore.connect(
            PROJECT,
            rest.url(),
            new TableId(PROJECT, "events", "nothing_here"),
            rows,
            Clock.systemUTC());

    assertThat(absent.find(DeadLetterQuery.all())).isEmpty();
  }

  @Test
  void ledgerRowsTheTableRejectsFailTheRemoval() throws Exception {
    List<DeadLetterStore.Stored> found = store.find(DeadLetterQuery.all());
    write.rejectRows(row -> row.get("replayed_at") != null, "ledger refused");

    assertThatThrownBy(() -> store.remove(found))
        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessageContaining("ledger table test-project.events.dead_letters_replayed rejected 3")
        .hasMessageContaining("ledger refused");
  }

  private Replay replay() {
    return new Replay(
        store,
        JsonMessageMapper.create(SCHEMA, MappingConfig.typed(), "s", Clock.systemUTC()),
        QUOTES,
        SCHEMA,
        rows);
  }

  private List<String> ids(DeadLetterQuery query) throws SinkException {
    return store.find(query).stream().map(s -> s.deadLetter().message().id()).toList();
  }

  private static DeadLetterQuery query(Stage stage, String reason, Instant since, Instant until) {
    return new DeadLetterQuery(
        Optional.ofNullable(stage),
        Optional.ofNullable(reason).map(Pattern::compile),
        Optional.ofNullable(since),
        Optional.ofNullable(until));
  }
}

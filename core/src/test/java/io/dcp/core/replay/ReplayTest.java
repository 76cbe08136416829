package io.dcp.core.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.testing.InMemoryRowSink;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ReplayTest {
  static final TableId TABLE = TableId.local("quotes");
  static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("bid", FieldType.FLOAT64));
  static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

  final Store store = new Store();
  final InMemoryRowSink rows = new InMemoryRowSink();

  @Test
  void whatNowMapsLandsOnceAndLeavesTheStoreTheRestStays() throws Exception {
    store.add("1", "{\"symbol\":\"AAPL\",\"bid\":1.5}", Stage.MAP, "old reason", T);
    store.add("2", "{\"bid\":2}", Stage.MAP, "old reason", T);
    Replay replay = replay();

    Replay.Report dry = replay.run(DeadLetterQuery.all(), true);
    Replay.Report real = replay.run(DeadLetterQuery.all(), false);
    Replay.Report again = replay.run(DeadLetterQuery.all(), false);

    assertThat(dry)
        .isEqualTo(new Replay.Report(2, 1, 1, Map.of("map: $.symbol: missing required field", 1)));
    assertThat(real).isEqualTo(dry);
    assertThat(again.selected()).isEqualTo(1);
    assertThat(again.landed()).isZero();
    assertThat(rows.rows(TABLE)).extracting(r -> r.get("symbol")).containsExactly("AAPL");
    assertThat(store.stored).extracting(s -> s.deadLetter().message().id()).containsExactly("2");
  }

  @Test
  void selectsByStageReasonAndTime() throws Exception {
    store.add("1", "{\"symbol\":\"A\"}", Stage.MAP, "x is not a FLOAT64", T);
    store.add("2", "{\"symbol\":\"B\"}", Stage.PARSE, "malformed JSON", T);
    store.add("3", "{\"symbol\":\"C\"}", Stage.MAP, "missing", T.plusSeconds(60));

    DeadLetterQuery query =
        new DeadLetterQuery(
            Optional.of(Stage.MAP),
            Optional.of(Pattern.compile("FLOAT64|missing")),
            Optional.of(T),
            Optional.of(T.plusSeconds(60)));
    assertThat(replay().run(query, false).landed()).isEqualTo(1);
    assertThat(rows.rows(TABLE)).extracting(r -> r.get("symbol")).containsExactly("A");
  }

  @Test
  void aRowTheTableRefusesKeepsItsDeadLetter() throws Exception {
    store.add("1", "{\"symbol\":\"AAPL\"}", Stage.MAP, "old", T);
    store.add("2", "{\"symbol\":\"MSFT\"}", Stage.MAP, "old", T);
    rows.rejectRows(r -> r.get("symbol").equals("MSFT") ? "column too long" : null);

    Replay.Report report = replay().run(DeadLetterQuery.all(), false);

    assertThat(report.landed()).isEqualTo(1);
    assertThat(report.stillRejected()).containsExactly(Map.entry("write: column too long", 1));
    assertThat(store.stored).extracting(s -> s.key()).containsExactly("2");
  }

  private Replay replay() {
    return new Replay(
        store,
        JsonMessageMapper.create(SCHEMA, MappingConfig.typed(), "s", Clock.systemUTC()),
        TABLE,
        SCHEMA,
        rows);
  }

  /** A dead-letter table in memory. */
  static final class Store implements DeadLetterStore {
    @Override
    public void close() {}

    @Override
    public String replayed() {
      return "left the store";
    }

    final List<Stored> stored = new ArrayList<>();

    void add(String id, String payload, Stage stage, String reason, Instant at) {
      stored.add(
          new Stored(id, DeadLetter.of(Message.ofUtf8(id, payload, at), stage, "", reason, at)));
    }

    @Override
    public List<Stored> find(DeadLetterQuery query) {
      return stored.stream()
          .filter(
              s ->
                  query.selects(
                      s.deadLetter().stage(),
                      s.deadLetter().errorMessage(),
                      s.deadLetter().failedAt()))
          .toList();
    }

    @Override
    public void remove(List<Stored> deadLetters) {
      stored.removeAll(deadLetters);
    }
  }
}

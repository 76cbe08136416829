package io.dcp.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.testing.InMemoryRowSink;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class TableDeadLetterSinkTest {
  static final TableId TABLE = TableId.local("dead_letters");
  static final Instant T = Instant.parse("2026-11-24T10:00:00Z");

  @Test
  void aRowTooLargeWholeIsWrittenWithoutItsTextCopyAndLosesNothing() throws Exception {
    InMemoryRowSink rows =
        new InMemoryRowSink()
            .rejectRows(
                r ->
                    r.get("payloadString") != null && payload(r).length > 100 ? "too large" : null);
    String big = "{\"s\":\"" + "x".repeat(200) + "\"}";

    new TableDeadLetterSink(rows, TABLE, 64)
        .write(List.of(deadLetter("1", big), deadLetter("2", "{}")));

    assertThat(rows.rows(TABLE))
        .extracting(
            r -> r.get("message_id") + " " + r.get("payloadString") + " " + payload(r).length)
        .containsExactlyInAnyOrder("2 {} 2", "1 null " + big.length());
    assertThat(rows.rows(TABLE)).extracting(r -> r.get("errorMessage")).containsOnly("map: bad");
  }

  @Test
  void aPayloadNoRowCanHoldIsCutAndTheCutIsSaid() throws Exception {
    InMemoryRowSink rows =
        new InMemoryRowSink().rejectRows(r -> payload(r).length > 64 ? "too large" : null);
    String big = "y".repeat(1_000);

    new TableDeadLetterSink(rows, TABLE, 64).write(List.of(deadLetter("1", big)));

    Row row = rows.rows(TABLE).get(0);
    assertThat(new String(payload(row), StandardCharsets.UTF_8)).isEqualTo("y".repeat(64));
    assertThat(row.get("errorMessage"))
        .isEqualTo(
            "map: bad [payload of 1000 bytes cut to its first 64 to fit the dead-letter table]");
  }

  @Test
  void aRowRefusedInEveryShapeFailsTheCallNamingIt() {
    InMemoryRowSink rows =
        new InMemoryRowSink()
            .rejectRows(r -> r.get("message_id").equals("2") ? "no such column: stage" : null);

    assertThatThrownBy(
            () ->
                new TableDeadLetterSink(rows, TABLE, 64)
                    .write(List.of(deadLetter("1", "{}"), deadLetter("2", "{}"))))
        .isInstanceOf(SinkException.class)
        .hasMessage(
            "dead-letter table dead_letters rejected 1 of 2 dead letters (#1: no such column:"
                + " stage); check that its columns match the dead-letter layout");
  }

  private static byte[] payload(Row row) {
    return ((Bytes) row.get("payloadBytes")).toByteArray();
  }

  private static DeadLetter deadLetter(String id, String payload) {
    return DeadLetter.of(Message.ofUtf8(id, payload, T), Stage.MAP, "", "bad", T);
  }
}

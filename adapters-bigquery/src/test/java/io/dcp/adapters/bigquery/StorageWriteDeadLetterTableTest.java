package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.SinkException;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StorageWriteDeadLetterTableTest {
  private static final TableId TABLE = new TableId("test-project", "events", "quotes_dlq");
  private static final Instant PUBLISHED = Instant.parse("2024-05-01T10:00:00.123456Z");
  private static final Instant FAILED = Instant.parse("2024-05-01T10:00:01.5Z");

  private FakeBigQueryWriteServer server;
  private TableDeadLetterSink sink;

  @BeforeEach
  void start() throws Exception {
    server = FakeBigQueryWriteServer.start();
    server.createTable(TABLE, DeadLetterTable.SCHEMA);
    sink =
        new TableDeadLetterSink(
            new StorageWriteRowSink(
                StorageWriteSettings.defaults("test-project").withEndpoint(server.endpoint())),
            TABLE);
  }

  @AfterEach
  void stop() {
    sink.close();
    server.close();
  }

  @Test
  void writesEveryColumnOfTheDeadLetterIncludingAttributes() throws Exception {
    var message =
        new Message(
            "m-1",
            "{\"bid\":\"12,5\"}".getBytes(StandardCharsets.UTF_8),
            Map.of("source", "feed-a", "region", "eu"),
            PUBLISHED,
            "key-7",
            3);
    var deadLetter =
        new DeadLetter(message, Stage.MAP, "$.bid", "\"12,5\" is not a FLOAT64", "", FAILED);

    sink.write(List.of(deadLetter));

    assertThat(server.rows(TABLE))
        .containsExactly(
            Row.builder()
                .set("timestamp", FAILED)
                .set("payloadString", "{\"bid\":\"12,5\"}")
                .set("payloadBytes", Bytes.copyOf(message.data()))
                .set(
                    "attributes",
                    List.of(
                        Row.builder().set("key", "region").set("value", "eu").build(),
                        Row.builder().set("key", "source").set("value", "feed-a").build()))
                .set("errorMessage", "map: $.bid: \"12,5\" is not a FLOAT64")
                .set("message_id", "m-1")
                .set("publish_time", PUBLISHED)
                .set("ordering_key", "key-7")
                .set("delivery_attempt", 3L)
                .set("stage", "map")
                .set("field_path", "$.bid")
                .set("reason", "\"12,5\" is not a FLOAT64")
                .build());
  }

  @Test
  void payloadThatIsNotUtf8IsKeptOnlyAsBytesWithTheStackTrace() throws Exception {
    byte[] data = {(byte) 0xC3, (byte) 0x28};
    var deadLetter =
        new DeadLetter(
            Message.of("m-2", data, PUBLISHED),
            Stage.DECODE,
            "",
            "payload is not valid UTF-8",
            "java.nio.charset.MalformedInputException\n\tat x",
            FAILED);

    sink.write(List.of(deadLetter));

    Row row = server.rows(TABLE).get(0);
    assertThat(row.get("payloadString")).isNull();
    assertThat(row.get("payloadBytes")).isEqualTo(Bytes.copyOf(data));
    assertThat(row.get("stacktrace")).isEqualTo("java.nio.charset.MalformedInputException\n\tat x");
    assertThat(row.get("errorMessage")).isEqualTo("decode: payload is not valid UTF-8");
    assertThat(row.get("attributes")).isNull();
  }

  @Test
  void deadLetterTheTableRejectsFailsTheWholeCall() {
    server.rejectRows(row -> "m-bad".equals(row.get("message_id")), "row too weird");
    var good = DeadLetter.of(Message.ofUtf8("m-ok", "{}", PUBLISHED), Stage.PARSE, "", "x", FAILED);
    var bad = DeadLetter.of(Message.ofUtf8("m-bad", "{}", PUBLISHED), Stage.PARSE, "", "x", FAILED);

    assertThatThrownBy(() -> sink.write(List.of(good, bad)))
        .isInstanceOfSatisfying(SinkException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessageContaining("dead-letter table test-project.events.quotes_dlq rejected 1 of 2")
        .hasMessageContaining("row too weird");
  }
}

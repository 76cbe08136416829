package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.RetryPolicy;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.testing.EventLog;
import io.dcp.core.testing.ListMessageSource;
import io.dcp.core.testing.RecordingPipelineMetrics;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The real pipeline and mapper writing through the real Storage Write client to the fake. */
class StorageWritePipelineTest {
  private static final TableId TABLE = new TableId("test-project", "events", "quotes");
  private static final TableId DEAD = new TableId("test-project", "events", "dead_letters");
  private static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("bid", FieldType.FLOAT64));

  private FakeBigQueryWriteServer server;

  @BeforeEach
  void start() throws Exception {
    server = FakeBigQueryWriteServer.start();
    server.createTable(TABLE, SCHEMA);
    server.createTable(DEAD, DeadLetterTable.SCHEMA);
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void retriesAnOutageThenWritesEveryRowOnceAndAcksOnlyAfterTheAppend() throws Exception {
    server.failNextAppends(2);
    StorageWriteRowSink sink =
        new StorageWriteRowSink(
            StorageWriteSettings.defaults("test-project").withEndpoint(server.endpoint()));
    List<Message> messages =
        IntStream.range(0, 20)
            .mapToObj(
                i ->
                    Message.ofUtf8(
                        "m" + i, "{\"symbol\":\"S" + i + "\",\"bid\":" + i + ".5}", Instant.now()))
            .toList();
    messages = new java.util.ArrayList<>(messages);
    messages.add(Message.ofUtf8("bad", "{\"bid\":\"x\"}", Instant.now()));
    EventLog events = new EventLog();
    ListMessageSource source = new ListMessageSource(messages, 1, events);
    RecordingPipelineMetrics metrics = new RecordingPipelineMetrics();
    IngestPipeline pipeline =
        new IngestPipeline(
            source,
            JsonMessageMapper.create(SCHEMA, MappingConfig.typed(), "quotes", Clock.systemUTC()),
            TABLE,
            SCHEMA,
            sink,
            new TableDeadLetterSink(sink, DEAD),
            PipelineSettings.defaults()
                .withBatch(50, 1 << 20, Duration.ofMillis(20))
                .withRetry(
                    new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(50), 2, 0.1, 6)),
            metrics,
            Clock.systemUTC());

    pipeline.start();
    pipeline.finished().toCompletableFuture().get(60, TimeUnit.SECONDS);
    pipeline.stop(Duration.ofSeconds(10));

    assertThat(server.rows(TABLE)).hasSize(20);
    assertThat(server.rows(TABLE)).extracting(r -> r.get("symbol")).doesNotHaveDuplicates();
    assertThat(server.rows(TABLE))
        .contains(Row.builder().set("symbol", "S7").set("bid", 7.5).build());
    for (int i = 0; i < 20; i++) {
      assertThat(source.acks("m" + i)).as("m" + i).isEqualTo(1);
    }
    assertThat(source.totalNacks()).isZero();
    assertThat(metrics.count("retries")).isGreaterThanOrEqualTo(1);
    assertThat(server.rows(DEAD))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.get("message_id")).isEqualTo("bad");
              assertThat(r.get("errorMessage")).isEqualTo("map: $.bid: \"x\" is not a FLOAT64");
            });
    assertThat(source.acks("bad")).isEqualTo(1);
  }
}

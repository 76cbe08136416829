package io.dcp.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.SinkException;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.testing.EventLog;
import io.dcp.core.testing.InMemoryDeadLetterSink;
import io.dcp.core.testing.InMemoryRowSink;
import io.dcp.core.testing.ListMessageSource;
import io.dcp.core.testing.ManualMessageSource;
import io.dcp.core.testing.RecordingPipelineMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class IngestPipelineTest {
  private static final TableId TABLE = TableId.local("events");
  private static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("id", FieldType.STRING),
          Field.of("part", FieldType.INT64),
          Field.of("payload", FieldType.STRING));
  private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  /** payload → one row; "bad..." → rejected; "rows:N" → N rows (explode). */
  private static final MessageMapper MAPPER =
      message -> {
        String text = new String(message.data(), StandardCharsets.UTF_8);
        if (text.startsWith("bad")) {
          return new MappingResult.Rejected(
              DeadLetter.of(message, Stage.MAP, "$.payload", "\"" + text + "\" is not good", NOW));
        }
        if (text.startsWith("rows:")) {
          int n = Integer.parseInt(text.substring(5));
          return new MappingResult.Mapped(
              IntStream.range(0, n)
                  .mapToObj(
                      i ->
                          Row.builder()
                              .set("id", message.id())
                              .set("part", (long) i)
                              .set("payload", text)
                              .build())
                  .toList());
        }
        return new MappingResult.Mapped(
            List.of(Row.builder().set("id", message.id()).set("payload", text).build()));
      };

  private static final PipelineSettings FAST =
      PipelineSettings.defaults()
          .withBatch(10, 1 << 20, Duration.ofMillis(20))
          .withRetry(new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5), 2.0, 0.2, 5));

  private final EventLog events = new EventLog();
  private final InMemoryRowSink rowSink = new InMemoryRowSink(events);
  private final InMemoryDeadLetterSink deadLetterSink = new InMemoryDeadLetterSink(events);
  private final RecordingPipelineMetrics metrics = new RecordingPipelineMetrics();
  private IngestPipeline pipeline;

  @AfterEach
  void stopPipeline() {
    rowSink.release();
    if (pipeline != null) {
      pipeline.stop(Duration.ofSeconds(5));
    }
  }

  private static Message message(String id, String payload) {
    return Message.ofUtf8(id, payload, NOW.minusSeconds(1));
  }

  private static List<Message> messages(int n, String payloadPrefix) {
    return IntStream.range(0, n).mapToObj(i -> message("m" + i, payloadPrefix + i)).toList();
  }

  private IngestPipeline pipeline(MessageSource source, PipelineSettings settings)
      throws Exception {
    pipeline =
        new IngestPipeline(
            source, MAPPER, TABLE, SCHEMA, rowSink, deadLetterSink, settings, metrics, CLOCK);
    pipeline.start();
    return pipeline;
  }

  private ListMessageSource runToEnd(List<Message> input, PipelineSettings settings)
      throws Exception {
    ListMessageSource source = new ListMessageSource(input, 3, events);
    pipeline(source, settings).finished().toCompletableFuture().get(20, TimeUnit.SECONDS);
    return source;
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 10 s");
      }
      Thread.sleep(5);
    }
  }

  @Test
  void acksEveryMessageOnceAndOnlyAfterItsRowIsCommitted() throws Exception {
    ListMessageSource source = runToEnd(messages(100, "quote-"), FAST);

    assertThat(rowSink.rows(TABLE)).hasSize(100);
    assertThat(rowSink.rows(TABLE))
        .extracting(r -> r.get("id"))
        .containsExactlyInAnyOrderElementsOf(
            IntStream.range(0, 100).mapToObj(i -> "m" + i).toList());
    for (int i = 0; i < 100; i++) {
      String id = "m" + i;
      assertThat(source.acks(id)).as(id).isEqualTo(1);
      assertThat(source.nacks(id)).as(id).isZero();
      assertThat(events.indexOf("commit:" + id)).isLessThan(events.indexOf("ack:" + id));
    }
    assertThat(pipeline.stats().acked()).isEqualTo(100);
    assertThat(pipeline.stats().inFlightMessages()).isZero();
    assertThat(metrics.count("rowsWritten")).isEqualTo(100);
    assertThat(metrics.count("latencies")).isEqualTo(100);
  }

  @Test
  @Timeout(60)
  void aSinkOutageDoesNotHoldTheOnlyWriterThreadThatOtherWritesNeed() throws Exception {
    // An hour's backoff: a writer thread sleeping through it would hold the dead letter's write.
    rowSink.failTransiently(1);
    ManualMessageSource source = new ManualMessageSource();
    pipeline(
        source,
        FAST.withWriteThreads(1)
            .withBatch(1, 1 << 20, Duration.ofMillis(5))
            .withRetry(new RetryPolicy(Duration.ofHours(1), Duration.ofHours(1), 2.0, 0.0, 3)));

    CompletableFuture<Boolean> waitingForRetry = source.push(message("m1", "quote"));
    await(() -> pipeline.stats().retries() == 1);
    CompletableFuture<Boolean> rejected = source.push(message("m2", "bad quote"));

    assertThat(rejected.get(10, TimeUnit.SECONDS)).as("m2 acked after its dead letter").isTrue();
    assertThat(deadLetterSink.deadLetters())
        .extracting(d -> d.message().id())
        .containsExactly("m2");
    // Its retry is an hour away on the timer: still unsettled, and written once only.
    assertThat(waitingForRetry).isNotDone();
    assertThat(rowSink.writeCalls()).isEqualTo(1);

    assertThat(pipeline.stop(Duration.ofMillis(100))).isFalse();
    assertThat(waitingForRetry.get(10, TimeUnit.SECONDS)).as("m1 nacked at the stop").isFalse();
  }

  @Test
  void retriesTransientFailuresThenAcksEachMessageOnce() throws Exception {
    rowSink.failTransiently(3);

    ListMessageSource source =
        runToEnd(messages(5, "q"), FAST.withBatch(5, 1 << 20, Duration.ofMillis(20)));

    assertThat(rowSink.rows(TABLE)).hasSize(5);
    assertThat(source.totalAcks()).isEqualTo(5);
    assertThat(source.totalNacks()).isZero();
    assertThat(metrics.count("retries")).isEqualTo(3);
    assertThat(pipeline.stats().retries()).isEqualTo(3);
  }

  @Test
  void nacksEverythingAndAcksNothingWhenTheRetryBudgetRunsOut() throws Exception {
    rowSink.failTransiently(1_000);

    ListMessageSource source = runToEnd(messages(20, "q"), FAST);

    assertThat(rowSink.rows()).isEmpty();
    assertThat(source.totalAcks()).isZero();
    assertThat(source.totalNacks()).isEqualTo(20);
    assertThat(metrics.count("nacked")).isEqualTo(20);
  }

  @Test
  void nacksOnPermanentFailureAndReportsIt() throws Exception {
    rowSink.failPermanently(1);

    ListMessageSource source =
        runToEnd(messages(4, "q"), FAST.withBatch(4, 1 << 20, Duration.ofSeconds(10)));

    assertThat(source.totalNacks()).isEqualTo(4);
    assertThat(source.totalAcks()).isZero();
    assertThat(pipeline.lastPermanentFailure()).hasValue("NOT_FOUND: table events");
    assertThat(rowSink.writeCalls()).as("a permanent failure is not retried").isEqualTo(1);
  }

  @Test
  void aFatalSinkFailureEndsTheRunWithItOnceStopsTheSourceAndAcksNothing() throws Exception {
    rowSink.failFatally();
    ListMessageSource source = new ListMessageSource(messages(50, "q"), 3, events);

    pipeline(source, FAST);

    assertThatThrownBy(() -> pipeline.finished().toCompletableFuture().get(20, TimeUnit.SECONDS))
        .hasCauseInstanceOf(SinkException.class)
        .hasMessageContaining("DISK_FULL: no space left on device");
    assertThat(source.isStopped()).isTrue();
    assertThat(rowSink.writeCalls()).as("a fatal failure is not retried").isLessThanOrEqualTo(5);
    assertThat(source.totalAcks()).isZero();
    assertThat(pipeline.lastPermanentFailure()).hasValue("DISK_FULL: no space left on device");
  }

  @Test
  void countsRedeliveriesApartFromDistinctMessages() throws Exception {
    Message first = message("m0", "q0");
    runToEnd(List.of(first, first.withDeliveryAttempt(2), message("m1", "q1")), FAST);

    assertThat(pipeline.stats().received()).isEqualTo(3);
    assertThat(pipeline.stats().redelivered()).isEqualTo(1);
    assertThat(pipeline.stats().messages()).isEqualTo(2);
  }

  @Test
  void deadLettersExactlyTheRowsTheSinkRejectsWithItsReason() throws Exception {
    rowSink.rejectRows(
        row -> ((String) row.get("payload")).contains("poison") ? "no such column: poison" : null);
    List<Message> input =
        List.of(message("a", "fine"), message("b", "poison"), message("c", "fine too"));

    ListMessageSource source = runToEnd(input, FAST);

    assertThat(rowSink.rows(TABLE))
        .extracting(r -> r.get("id"))
        .containsExactlyInAnyOrder("a", "c");
    assertThat(deadLetterSink.deadLetters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.message().id()).isEqualTo("b");
              assertThat(d.stage()).isEqualTo(Stage.WRITE);
              assertThat(d.errorMessage()).isEqualTo("write: no such column: poison");
              assertThat(d.message().data()).isEqualTo("poison".getBytes(StandardCharsets.UTF_8));
            });
    assertThat(source.acks("a")).isEqualTo(1);
    assertThat(source.acks("b")).isEqualTo(1);
    assertThat(source.acks("c")).isEqualTo(1);
    assertThat(events.indexOf("deadletter:b")).isLessThan(events.indexOf("ack:b"));
    assertThat(metrics.count("deadLettered.write")).isEqualTo(1);
  }

  @Test
  void deadLettersMappingRejectionsWithTheMappersReason() throws Exception {
    ListMessageSource source =
        runToEnd(List.of(message("ok", "fine"), message("ko", "bad price")), FAST);

    assertThat(deadLetterSink.deadLetters())
        .singleElement()
        .satisfies(
            d -> {
              assertThat(d.message().id()).isEqualTo("ko");
              assertThat(d.errorMessage()).isEqualTo("map: $.payload: \"bad price\" is not good");
            });
    assertThat(rowSink.rows(TABLE)).extracting(r -> r.get("id")).containsExactly("ok");
    assertThat(source.acks("ko")).isEqualTo(1);
    assertThat(events.indexOf("deadletter:ko")).isLessThan(events.indexOf("ack:ko"));
    assertThat(pipeline.stats().deadLettered()).isEqualTo(1);
  }

  @Test
  void nacksDeadLettersWhenTheDeadLetterSinkIsDown() throws Exception {
    deadLetterSink.down(true);

    ListMessageSource source =
        runToEnd(
            List.of(message("ok", "fine"), message("ko1", "bad"), message("ko2", "bad")), FAST);

    assertThat(source.acks("ok")).isEqualTo(1);
    assertThat(source.acks("ko1")).isZero();
    assertThat(source.acks("ko2")).isZero();
    assertThat(source.nacks("ko1")).isEqualTo(1);
    assertThat(source.nacks("ko2")).isEqualTo(1);
    assertThat(deadLetterSink.deadLetters()).isEmpty();
  }

  @Test
  void retriesTheDeadLetterSinkLikeTheRowSink() throws Exception {
    deadLetterSink.failTransiently(2);

    ListMessageSource source = runToEnd(List.of(message("ko", "bad")), FAST);

    assertThat(source.acks("ko")).isEqualTo(1);
    assertThat(deadLetterSink.deadLetters()).hasSize(1);
    assertThat(pipeline.stats().retries()).isEqualTo(2);
  }

  @Test
  void aStopCalledDuringAnotherReturnsOnlyOnceTheSinksAreClosed() throws Exception {
    rowSink.block();
    ManualMessageSource source = new ManualMessageSource();
    pipeline(source, FAST.withBatch(5, 1 << 20, Duration.ofMillis(10)));
    for (Message m : messages(5, "q")) {
      source.push(m);
    }
    await(() -> rowSink.writeCalls() >= 1);
    CompletableFuture<Boolean> first =
        CompletableFuture.supplyAsync(() -> pipeline.stop(Duration.ofMillis(300)));
    await(source::stopped);

    boolean second = pipeline.stop(Duration.ofSeconds(5));

    assertThat(rowSink.isClosed()).isTrue();
    assertThat(second).isFalse();
    assertThat(first.get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(pipeline.stats().nacked()).isEqualTo(5);
  }

  @Test
  void stopMidFlightAcksNothingThatWasNotCommitted() throws Exception {
    rowSink.block();
    ManualMessageSource source = new ManualMessageSource();
    pipeline(source, FAST.withBatch(5, 1 << 20, Duration.ofMillis(10)));
    List<CompletableFuture<Boolean>> settled = new ArrayList<>();
    for (Message m : messages(10, "q")) {
      settled.add(source.push(m));
    }
    await(() -> rowSink.writeCalls() >= 1);

    boolean drained = pipeline.stop(Duration.ofMillis(200));

    assertThat(drained).isFalse();
    assertThat(settled).allSatisfy(f -> assertThat(f).isCompletedWithValue(false));
    assertThat(rowSink.rows()).isEmpty();
    assertThat(rowSink.isClosed()).isTrue();
    assertThat(pipeline.stats().acked()).isZero();
    assertThat(pipeline.stats().nacked()).isEqualTo(10);
  }

  @Test
  void keepsMessagesInFlightWithinTheBoundUnderAFlood() throws Exception {
    AtomicLong maxInFlight = new AtomicLong();
    rowSink.onWrite(
        () -> {
          maxInFlight.accumulateAndGet(metrics.inFlightMessages(), Math::max);
          try {
            Thread.sleep(2);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    PipelineSettings bounded =
        FAST.withInFlight(25, 1 << 20).withBatch(5, 1 << 20, Duration.ofMillis(5));

    ListMessageSource source = runToEnd(messages(2_000, "q"), bounded);

    assertThat(maxInFlight.get()).isPositive().isLessThanOrEqualTo(25);
    assertThat(source.totalAcks()).isEqualTo(2_000);
    assertThat(rowSink.rows()).hasSize(2_000);
  }

  @Test
  void admitsAMessageLargerThanTheByteBoundWhenNothingElseIsInFlight() throws Exception {
    ListMessageSource source =
        runToEnd(List.of(message("huge", "x".repeat(5_000))), FAST.withInFlight(10, 1_000));

    assertThat(source.acks("huge")).isEqualTo(1);
  }

  @Test
  void flushesABatchWhenItReachesMaxRows() throws Exception {
    runToEnd(messages(25, "q"), FAST.withBatch(10, 1 << 20, Duration.ofHours(1)));

    // The last 5 rows are flushed when the bounded source ends, not after an hour.
    assertThat(rowSink.batchSizes()).containsExactlyInAnyOrder(10, 10, 5);
  }

  @Test
  void flushesABatchWhenItReachesMaxBytes() throws Exception {
    List<Message> input =
        IntStream.range(0, 8).mapToObj(i -> message("m" + i, "x".repeat(300))).toList();

    runToEnd(input, FAST.withBatch(1_000, 1_000, Duration.ofHours(1)));

    assertThat(rowSink.batchSizes()).containsExactly(4, 4);
  }

  @Test
  void flushesABatchWhenItsFirstRowHasWaitedMaxLatencyWhileInputIsStillBusy() throws Exception {
    // A message held in the mapper keeps a receive call open, so the batch never goes idle.
    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    MessageMapper holding =
        message -> {
          if (new String(message.data(), StandardCharsets.UTF_8).equals("hold")) {
            held.countDown();
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return MAPPER.map(message);
        };
    ManualMessageSource source = new ManualMessageSource();
    pipeline =
        new IngestPipeline(
            source,
            holding,
            TABLE,
            SCHEMA,
            rowSink,
            deadLetterSink,
            FAST.withBatch(1_000, 1 << 20, Duration.ofMillis(30)),
            metrics,
            CLOCK);
    pipeline.start();
    CompletableFuture<Boolean> first = source.push(message("first", "q"));
    CompletableFuture<CompletableFuture<Boolean>> second =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return source.push(message("second", "hold"));
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();

    assertThat(first.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(rowSink.rows()).extracting(r -> r.get("id")).containsExactly("first");
    release.countDown();
    assertThat(second.get(10, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(rowSink.batchSizes()).containsExactly(1, 1);
  }

  @Test
  void writesALoneMessageAsSoonAsInputGoesIdleWithoutWaitingMaxLatency() throws Exception {
    ManualMessageSource source = new ManualMessageSource();
    // An hour of batch latency: only the idle flush can write the message within the test.
    pipeline(source, FAST.withBatch(1_000, 1 << 20, Duration.ofHours(1)));

    CompletableFuture<Boolean> settled = source.push(message("lonely", "q"));

    assertThat(settled.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(rowSink.batchSizes()).containsExactly(1);
    assertThat(rowSink.rows()).extracting(r -> r.get("id")).containsExactly("lonely");
  }

  @Test
  void writesADeadLetterAsSoonAsInputGoesIdle() throws Exception {
    ManualMessageSource source = new ManualMessageSource();
    pipeline(source, FAST.withBatch(1_000, 1 << 20, Duration.ofHours(1)));

    CompletableFuture<Boolean> settled = source.push(message("rejected", "bad"));

    assertThat(settled.get(30, TimeUnit.SECONDS)).isTrue();
    assertThat(deadLetterSink.deadLetters())
        .singleElement()
        .satisfies(d -> assertThat(d.message().id()).isEqualTo("rejected"));
  }

  @Test
  void dropsARedeliveryOfACommittedMessageWithTheDedupWindow() throws Exception {
    ManualMessageSource source = new ManualMessageSource();
    pipeline(source, FAST.withDedupWindowSize(100));

    assertThat(source.push(message("same", "q")).get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(source.push(message("same", "q")).get(10, TimeUnit.SECONDS)).isTrue();

    assertThat(rowSink.rows()).hasSize(1);
    assertThat(pipeline.stats().duplicatesDropped()).isEqualTo(1);
    assertThat(metrics.count("duplicates")).isEqualTo(1);
  }

  @Test
  void nacksAnInFlightDuplicateSoOnlyTheOriginalIsWritten() throws Exception {
    rowSink.block();
    ManualMessageSource source = new ManualMessageSource();
    pipeline(source, FAST.withDedupWindowSize(100));

    CompletableFuture<Boolean> original = source.push(message("same", "q"));
    CompletableFuture<Boolean> copy = source.push(message("same", "q"));
    rowSink.release();

    assertThat(copy.get(10, TimeUnit.SECONDS)).isFalse();
    assertThat(original.get(10, TimeUnit.SECONDS)).isTrue();
    assertThat(rowSink.rows()).hasSize(1);
  }

  @Test
  void acksAnExplodedMessageOnlyAfterAllItsRowsAreCommitted() throws Exception {
    ListMessageSource source =
        runToEnd(
            List.of(message("multi", "rows:7")), FAST.withBatch(3, 1 << 20, Duration.ofMillis(10)));

    assertThat(rowSink.rows(TABLE))
        .extracting(r -> r.get("part"))
        .containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(source.acks("multi")).isEqualTo(1);
    assertThat(events.events().indexOf("ack:multi")).isEqualTo(events.events().size() - 1);
  }

  @Test
  void acksAMessageThatMapsToNoRowsWithoutWriting() throws Exception {
    ListMessageSource source = runToEnd(List.of(message("empty", "rows:0")), FAST);

    assertThat(source.acks("empty")).isEqualTo(1);
    assertThat(rowSink.writeCalls()).isZero();
  }

  @Test
  void deadLettersAnExplodedMessageWhenOneOfItsRowsIsRejected() throws Exception {
    rowSink.rejectRows(row -> Long.valueOf(1).equals(row.get("part")) ? "bad part" : null);

    ListMessageSource source = runToEnd(List.of(message("multi", "rows:3")), FAST);

    assertThat(rowSink.rows(TABLE))
        .extracting(r -> r.get("part"))
        .containsExactlyInAnyOrder(0L, 2L);
    assertThat(deadLetterSink.deadLetters())
        .singleElement()
        .satisfies(d -> assertThat(d.errorMessage()).isEqualTo("write: bad part"));
    assertThat(source.acks("multi")).isEqualTo(1);
  }

  @Test
  void gracefulStopWritesOpenBatchesAndAcksThem() throws Exception {
    ManualMessageSource source = new ManualMessageSource();
    pipeline(source, FAST.withBatch(1_000, 1 << 20, Duration.ofHours(1)));
    List<CompletableFuture<Boolean>> settled = new ArrayList<>();
    for (Message m : messages(5, "q")) {
      settled.add(source.push(m));
    }

    assertThat(pipeline.stop(Duration.ofSeconds(10))).isTrue();

    assertThat(settled).allSatisfy(f -> assertThat(f).isCompletedWithValue(true));
    assertThat(rowSink.rows()).hasSize(5);
    assertThat(deadLetterSink.isClosed()).isTrue();
  }

  @Test
  void nacksMessagesThatArriveAfterStop() throws Exception {
    ListMessageSource source = new ListMessageSource(List.of());
    pipeline(source, FAST);
    pipeline.stop(Duration.ofSeconds(1));
    ManualMessageSource late = new ManualMessageSource();
    IngestPipeline stopped = pipeline;
    // a receive racing with stop is refused, never silently dropped
    late.start((m, ack) -> ack.nack());
    assertThat(late.push(message("late", "q"))).isCompletedWithValue(false);
    assertThat(stopped.stats().received()).isZero();
    assertThat(source.isClosed()).isTrue();
  }
}

package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.process.LoopbackCloud.DEAD_LETTERS;
import static io.dcp.runner.standalone.process.LoopbackCloud.SUBSCRIPTION;
import static io.dcp.runner.standalone.process.LoopbackCloud.TABLE;
import static io.dcp.runner.standalone.process.LoopbackCloud.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.runner.standalone.process.HostileCorpus;
import io.dcp.runner.standalone.process.LoopbackBigQuery;
import io.dcp.runner.standalone.process.LoopbackCloud;
import io.dcp.runner.standalone.process.Quotes;
import io.dcp.testing.process.DcpProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The delivery contract proved on the real process: dcp.jar against the Pub/Sub and Storage Write
 * test servers, killed, starved and flooded, with every message counted against what was published.
 * Each scenario appends its figures to {@code target/reliability.txt}. These scenarios need what
 * only the test servers do (fail or slow appends, end leases and count acks on demand); the crash
 * and graceful-stop scenarios run on Google's emulator in {@link ReliabilityOnEmulatorIT}.
 */
class ReliabilityIT {
  static final Path SCHEMA = Path.of("src/test/resources/reliability/quotes.schema.json");

  @TempDir Path dir;
  LoopbackCloud cloud;
  DcpProcess dcp;
  int adminPort;

  @BeforeEach
  void start() throws Exception {
    cloud = LoopbackCloud.start();
    adminPort = DcpProcess.freePort();
  }

  @AfterEach
  void stop() throws Exception {
    DcpProcess.killIfAlive(dcp);
    cloud.close();
  }

  @Test
  void aThirtySecondSinkOutageIsRetriedAndNothingIsAckedBeforeItIsWritten() throws Exception {
    int total = 20_000;
    List<String> ids = cloud.pubsub.publish(TOPIC, Quotes.messages(total));
    dcp = DcpProcess.start(config(""), dir.resolve("dcp.log"), adminPort, "-Xmx256m");
    dcp.await(() -> cloud.write.rows(TABLE).size() >= 5_000, Duration.ofSeconds(60));

    cloud.write.failAppendsFor(Duration.ofSeconds(30));
    long outageStart = System.nanoTime();
    int violations = 0;
    while (System.nanoTime() - outageStart < Duration.ofSeconds(30).toNanos()) {
      violations += ackedButNotWritten();
      Thread.sleep(500);
    }
    double retries = dcp.metric("dcp_write_retries_total");
    int atRecovery = cloud.write.rows(TABLE).size();
    long recovered = System.nanoTime();
    awaitAllAcked(total, Duration.ofSeconds(120));
    double secondsAfter = (System.nanoTime() - recovered) / 1e9;
    violations += ackedButNotWritten();
    dcp.terminate(Duration.ofSeconds(60));

    List<String> rows = cloud.messageIds(TABLE);
    Set<String> distinct = new HashSet<>(rows);
    long lost = ids.stream().filter(id -> !distinct.contains(id)).count();
    Report.delivery(
        "sink outage: UNAVAILABLE for 30 s (%.0f retries; %,d rows in %.1f s after recovery)"
            .formatted(retries, total - atRecovery, secondsAfter),
        total,
        rows.size(),
        cloud.write.rows(DEAD_LETTERS).size(),
        rows.size() - distinct.size(),
        lost);
    assertThat(violations).as("messages acked before their row was written").isZero();
    assertThat(retries).as("retries visible in metrics").isPositive();
    assertThat(lost).isZero();
  }

  @Test
  void aFloodStaysWithinTheInFlightBoundAndASmallHeap() throws Exception {
    int total = 100_000;
    List<String> ids = cloud.pubsub.publish(TOPIC, Quotes.messages(total));
    cloud.write.delayAppends(Duration.ofMillis(500));
    Path config = config("pipeline:\n  maxInFlightMessages: 2000\n");
    dcp = DcpProcess.start(config, dir.resolve("dcp.log"), adminPort, "-Xmx64m");

    double peakInFlight = 0;
    long until = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (System.nanoTime() < until && dcp.isAlive()) {
      try {
        peakInFlight = Math.max(peakInFlight, dcp.metric("dcp_in_flight_messages"));
      } catch (IOException notYetListening) {
        // the admin server starts with the pipeline
      }
      Thread.sleep(100);
    }
    assertThat(dcp.isAlive()).as("dcp survived the flood").isTrue();
    int status = dcp.terminate(Duration.ofSeconds(60));
    String log = dcp.log();

    int ackedNotWritten = ackedButNotWritten();
    List<String> rows = cloud.messageIds(TABLE);
    Set<String> distinct = new HashSet<>(rows);
    // What dcp did not get to is still in the subscription, for the next run.
    cloud.pubsub.expireLeases(SUBSCRIPTION);
    int waiting = cloud.pubsub.backlog(SUBSCRIPTION);
    long lost = ids.stream().filter(id -> !distinct.contains(id)).count() - waiting;
    Report.delivery(
        ("flood: %,d backlog, sink 500 ms per append, -Xmx64m, in-flight bound 2,000 (peak %.0f);"
                + " SIGTERM after 15 s, %,d left in the subscription")
            .formatted(total, peakInFlight, waiting),
        total,
        rows.size(),
        cloud.write.rows(DEAD_LETTERS).size(),
        rows.size() - distinct.size(),
        lost);
    assertThat(log).doesNotContain("OutOfMemoryError");
    assertThat(status).isIn(0, 143);
    assertThat(peakInFlight).isPositive().isLessThanOrEqualTo(2_000);
    assertThat(ackedNotWritten).isZero();
    assertThat(waiting).isPositive();
    assertThat(lost).isZero();
  }

  @Test
  void hostileInputNeverKillsTheProcessAndEveryMessageEndsAsARowOrADeadLetter() throws Exception {
    List<byte[]> payloads = new ArrayList<>(HostileCorpus.fixed());
    int fixed = payloads.size();
    payloads.addAll(HostileCorpus.generated(3_000));
    List<PubsubMessage> messages = new ArrayList<>();
    for (byte[] payload : payloads) {
      messages.add(
          PubsubMessage.newBuilder()
              .setData(ByteString.copyFrom(payload))
              .putAttributes("origin", "hostile")
              .build());
    }
    List<String> ids = cloud.pubsub.publish(TOPIC, messages);
    Path config =
        cloud.config(
            dir,
            Path.of("src/test/resources/reliability/hostile.schema.json"),
            LoopbackBigQuery.DEAD_LETTER_TABLE + LoopbackBigQuery.adminOn(adminPort));
    dcp = DcpProcess.start(config, dir.resolve("dcp.log"), adminPort, "-Xmx512m");
    awaitAllAcked(ids.size(), Duration.ofSeconds(180));
    assertThat(dcp.isAlive()).isTrue();
    int status = dcp.terminate(Duration.ofSeconds(60));

    Set<String> settled = cloud.settledIds();
    long lost = ids.stream().filter(id -> !settled.contains(id)).count();
    List<String> rows = cloud.messageIds(TABLE);
    List<io.dcp.core.model.Row> deadLetters = cloud.write.rows(DEAD_LETTERS);
    Report.delivery(
        "hostile input: %d fixed nasties + %,d generated (jqwik)"
            .formatted(fixed, payloads.size() - fixed),
        ids.size(),
        rows.size(),
        deadLetters.size(),
        rows.size() + deadLetters.size() - settled.size(),
        lost);
    // Everything was settled before SIGTERM: a clean drain exits 0 (see cli.md).
    assertThat(status).isZero();
    assertThat(dcp.log()).doesNotContain("OutOfMemoryError").doesNotContain("Exception in thread");
    assertThat(lost).isZero();
    assertThat(deadLetters)
        .allSatisfy(
            d ->
                assertThat((String) d.get("errorMessage"))
                    .matches("(?s)(decode|parse|map|write): .+"));
    assertThat(deadLetters)
        .filteredOn(d -> d.get("message_id").equals(ids.get(fixed - 1)))
        .singleElement()
        .satisfies(
            d ->
                assertThat((String) d.get("errorMessage"))
                    .matches(
                        "write: row is \\d+ bytes encoded, over the \\d+ bytes an AppendRows"
                            + " request can carry \\[payload of 10000000 bytes cut to its first"
                            + " 1048576 to fit the dead-letter table]"));
  }

  private Path config(String sections) throws IOException {
    return cloud.config(
        dir,
        SCHEMA,
        LoopbackBigQuery.DEAD_LETTER_TABLE + LoopbackBigQuery.adminOn(adminPort) + sections);
  }

  private void awaitAllAcked(int total, Duration timeout) throws Exception {
    dcp.await(
        () ->
            cloud.pubsub.backlog(SUBSCRIPTION) == 0
                && cloud.pubsub.outstanding(SUBSCRIPTION) == 0
                && cloud.pubsub.ackedCount(SUBSCRIPTION) >= total,
        timeout);
  }

  /** Counts acked messages with no row and no dead letter: must always be 0. */
  private int ackedButNotWritten() {
    List<String> acked = cloud.pubsub.ackedIds(SUBSCRIPTION);
    Set<String> settled = cloud.settledIds();
    return (int) acked.stream().filter(id -> !settled.contains(id)).count();
  }
}

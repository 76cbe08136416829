package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.process.EmulatorCloud.DEAD_LETTERS;
import static io.dcp.runner.standalone.process.EmulatorCloud.TABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.runner.standalone.process.EmulatorCloud;
import io.dcp.runner.standalone.process.LoopbackBigQuery;
import io.dcp.runner.standalone.process.Quotes;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import io.dcp.testing.process.DcpProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash and graceful-stop scenarios of the delivery contract on Google's Pub/Sub emulator: the
 * packaged dcp.jar killed with {@code kill -9} or stopped with SIGTERM and restarted, with every
 * message counted against what was published. Leases of a killed process end on the emulator's own
 * clock (dcp extends them at most 10 s at a time), not on demand. Each scenario appends its figures
 * to {@code target/reliability.txt}. The scenarios that need a fault only the test servers can
 * inject stay in {@link ReliabilityIT}.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class ReliabilityOnEmulatorIT {
  static final Path SCHEMA = Path.of("src/test/resources/reliability/quotes.schema.json");
  static final int TOTAL = 20_000;

  private final PubSubEmulator emulator;
  @TempDir Path dir;
  EmulatorCloud cloud;
  DcpProcess dcp;
  int adminPort;

  ReliabilityOnEmulatorIT(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void start() throws Exception {
    cloud = EmulatorCloud.start(emulator);
    adminPort = DcpProcess.freePort();
  }

  @AfterEach
  void stop() throws Exception {
    DcpProcess.killIfAlive(dcp);
    cloud.close();
  }

  @Test
  void killNineAtRandomMomentsLosesNothing() throws Exception {
    int kills = 3;
    long seed = Long.getLong("dcp.seed", System.nanoTime());
    Random random = new Random(seed);
    List<String> ids = cloud.publish(Quotes.messages(TOTAL));
    Path config = config("pipeline:\n  dedupWindowSize: 100000\n");

    for (int k = 0; k < kills; k++) {
      // Kill somewhere in the next quarter of the stream, mid-batch or mid-ack.
      int target = (int) (TOTAL * (k + random.nextDouble()) / (kills + 1));
      dcp = DcpProcess.start(config, dir.resolve("dcp.log"), adminPort, "-Xmx256m");
      dcp.await(() -> cloud.write.rows(TABLE).size() >= target, Duration.ofSeconds(180));
      dcp.kill();
      // No lease is ended by hand: the emulator redelivers once the killed process's run out.
    }
    long restartedAt = System.nanoTime();
    dcp = DcpProcess.start(config, dir.resolve("dcp.log"), adminPort, "-Xmx256m");
    dcp.await(
        () -> new HashSet<>(cloud.messageIds(TABLE)).containsAll(ids), Duration.ofSeconds(300));
    double secondsToAll = (System.nanoTime() - restartedAt) / 1e9;
    dcp.terminate(Duration.ofSeconds(60));

    List<String> rows = cloud.messageIds(TABLE);
    Set<String> distinct = new HashSet<>(rows);
    long lost = ids.stream().filter(id -> !distinct.contains(id)).count();
    int duplicates = rows.size() - distinct.size();
    Report.delivery(
        "crash on the emulator: kill -9 x%d (seed %d), all stored %.1f s after the last restart"
            .formatted(kills, seed, secondsToAll),
        TOTAL,
        rows.size(),
        cloud.write.rows(DEAD_LETTERS).size(),
        duplicates,
        lost);
    assertThat(lost).isZero();
    assertThat(cloud.write.rows(DEAD_LETTERS)).isEmpty();
    // Only what was written but not yet acked at a kill can come twice: at most the in-flight
    // bound (10,000) per kill, and the dedup window removes redeliveries within one run.
    assertThat(duplicates).isLessThanOrEqualTo(kills * 10_000);
  }

  @Test
  void sigtermUnderLoadDrainsWithinTheDeadlineAndEveryAckedMessageIsStored() throws Exception {
    List<String> ids = cloud.publish(Quotes.messages(TOTAL));
    Path config = config("pipeline:\n  drainTimeout: 10s\n");
    dcp = DcpProcess.start(config, dir.resolve("dcp.log"), adminPort, "-Xmx256m");
    dcp.await(() -> cloud.write.rows(TABLE).size() >= 5_000, Duration.ofSeconds(120));

    int status = dcp.terminate(Duration.ofSeconds(30));
    Duration took = dcp.stopTook();
    int atStop = new HashSet<>(cloud.messageIds(TABLE)).size();

    // The emulator does not say what was acked; Pub/Sub does not redeliver an acked message, so a
    // message acked before its row was written would never reach the next run and count as lost.
    long restartedAt = System.nanoTime();
    dcp = DcpProcess.start(config, dir.resolve("dcp.log"), adminPort, "-Xmx256m");
    dcp.await(
        () -> new HashSet<>(cloud.messageIds(TABLE)).containsAll(ids), Duration.ofSeconds(300));
    double secondsToAll = (System.nanoTime() - restartedAt) / 1e9;
    dcp.terminate(Duration.ofSeconds(30));
    List<String> all = cloud.messageIds(TABLE);
    Set<String> distinct = new HashSet<>(all);
    long lost = ids.stream().filter(id -> !distinct.contains(id)).count();
    Report.delivery(
        ("graceful stop on the emulator: SIGTERM at %,d rows, exit %d in %d ms (drainTimeout"
                + " 10 s), then restart, all stored %.1f s after it")
            .formatted(atStop, status, took.toMillis(), secondsToAll),
        TOTAL,
        all.size(),
        cloud.write.rows(DEAD_LETTERS).size(),
        all.size() - distinct.size(),
        lost);
    assertThat(status).as("a clean drain exits 0").isZero();
    assertThat(took).isLessThan(Duration.ofSeconds(15));
    assertThat(lost).isZero();
    assertThat(cloud.write.rows(DEAD_LETTERS)).isEmpty();
  }

  private Path config(String sections) throws IOException {
    return cloud.config(
        dir,
        SCHEMA,
        LoopbackBigQuery.DEAD_LETTER_TABLE + LoopbackBigQuery.adminOn(adminPort) + sections);
  }
}

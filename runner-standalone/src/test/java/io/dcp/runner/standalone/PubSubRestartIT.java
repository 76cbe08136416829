package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.process.EmulatorCloud.DEAD_LETTERS;
import static io.dcp.runner.standalone.process.EmulatorCloud.TABLE;
import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.runner.standalone.process.DcpProcess;
import io.dcp.runner.standalone.process.EmulatorCloud;
import io.dcp.runner.standalone.process.LoopbackBigQuery;
import io.dcp.runner.standalone.process.Quotes;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop and restart on Google's Pub/Sub emulator: {@code dcp run} is stopped with SIGTERM while it
 * holds thousands of messages, then started again; every published message must land, and the time
 * from the restart until the last one did goes to {@code target/reliability.txt}.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PubSubRestartIT {
  static final Path SCHEMA = Path.of("src/test/resources/reliability/quotes.schema.json");

  private final PubSubEmulator emulator;
  @TempDir Path dir;
  private EmulatorCloud cloud;
  private DcpProcess first;
  private DcpProcess second;

  PubSubRestartIT(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void start() throws Exception {
    // "local" is no Google Cloud project id: dcp takes it because an endpoint is set.
    cloud = EmulatorCloud.start(emulator, "local");
  }

  @AfterEach
  void stop() throws Exception {
    DcpProcess.killIfAlive(first, second);
    cloud.close();
  }

  @Test
  void aStoppedDcpHandsBackWhatItHeldSoARestartStoresEveryMessage() throws Exception {
    int total = 20_000;
    List<String> ids = cloud.publish(Quotes.messages(total));
    Path config =
        cloud.config(dir, SCHEMA, LoopbackBigQuery.DEAD_LETTER_TABLE + LoopbackBigQuery.ADMIN_OFF);
    first = DcpProcess.start(config, dir.resolve("first.log"), 0, "-Xmx256m");
    first.await(() -> cloud.write.rows(TABLE).size() >= total / 4, Duration.ofSeconds(180));
    assertThat(first.terminate(Duration.ofSeconds(60))).isIn(0, 143);
    int storedAtStop = new HashSet<>(cloud.messageIds(TABLE)).size();

    long restartedAt = System.nanoTime();
    second = DcpProcess.start(config, dir.resolve("second.log"), 0, "-Xmx256m");
    second.await(
        () -> new HashSet<>(cloud.messageIds(TABLE)).containsAll(ids), Duration.ofSeconds(240));
    double secondsToAll = (System.nanoTime() - restartedAt) / 1e9;
    second.terminate(Duration.ofSeconds(60));

    List<String> rows = cloud.messageIds(TABLE);
    Set<String> distinct = new HashSet<>(rows);
    long lost = ids.stream().filter(id -> !distinct.contains(id)).count();
    Report.append(
        "stop/restart on the emulator: published %d, stored at SIGTERM %d, %d still to land;"
                .formatted(total, storedAtStop, total - storedAtStop)
            + " all stored %.1f s after the restart, rows %d, duplicates %d, lost %d"
                .formatted(secondsToAll, rows.size(), rows.size() - distinct.size(), lost));
    assertThat(lost).isZero();
    assertThat(cloud.write.rows(DEAD_LETTERS)).isEmpty();
  }
}

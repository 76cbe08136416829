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
 * How users scale the standalone runner: two {@code dcp run} on one subscription of Google's
 * Pub/Sub emulator, writing the Storage Write test server. One replica is killed with {@code kill
 * -9} mid-stream; the other must store every published message. Figures go to {@code
 * target/reliability.txt}.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PubSubReplicasIT {
  static final Path SCHEMA = Path.of("src/test/resources/reliability/quotes.schema.json");

  private final PubSubEmulator emulator;
  @TempDir Path dir;
  private EmulatorCloud cloud;
  private DcpProcess killed;
  private DcpProcess survivor;

  PubSubReplicasIT(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void start() throws Exception {
    // "local" is no Google Cloud project id: dcp takes it because an endpoint is set.
    cloud = EmulatorCloud.start(emulator, "local");
  }

  @AfterEach
  void stop() throws Exception {
    DcpProcess.killIfAlive(killed, survivor);
    cloud.close();
  }

  @Test
  void twoReplicasOneKilledMidStreamStoreEveryPublishedMessage() throws Exception {
    int total = 20_000;
    List<String> ids = cloud.publish(Quotes.messages(total));
    Path config =
        cloud.config(dir, SCHEMA, LoopbackBigQuery.DEAD_LETTER_TABLE + LoopbackBigQuery.ADMIN_OFF);
    killed = DcpProcess.start(config, dir.resolve("a.log"), 0, "-Xmx256m");
    survivor = DcpProcess.start(config, dir.resolve("b.log"), 0, "-Xmx256m");

    killed.await(() -> cloud.write.rows(TABLE).size() >= total / 4, Duration.ofSeconds(180));
    killed.kill();
    long killedAt = System.nanoTime();
    survivor.await(
        () -> new HashSet<>(cloud.messageIds(TABLE)).containsAll(ids), Duration.ofSeconds(180));
    double secondsToAll = (System.nanoTime() - killedAt) / 1e9;
    survivor.terminate(Duration.ofSeconds(60));

    List<String> rows = cloud.messageIds(TABLE);
    Set<String> distinct = new HashSet<>(rows);
    long lost = ids.stream().filter(id -> !distinct.contains(id)).count();
    Report.append(
        "replicas: 2 on one emulator subscription, one kill -9 at %d rows: published %d, rows %d,"
                .formatted(total / 4, total, rows.size())
            + " duplicates %d, lost %d, all stored %.1f s after the kill"
                .formatted(rows.size() - distinct.size(), lost, secondsToAll));
    assertThat(lost).isZero();
    assertThat(distinct).hasSize(total);
    assertThat(cloud.write.rows(DEAD_LETTERS)).isEmpty();
  }
}

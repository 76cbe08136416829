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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * How a subscription passes from one {@code dcp run} to another on Google's Pub/Sub emulator,
 * writing the Storage Write test server: a process stopped with SIGTERM while it holds thousands of
 * messages and started again, and two replicas on one subscription with one killed with {@code kill
 * -9} mid-stream (how users scale the standalone runner). Every published message must be stored;
 * the figures, with the time until the last one was, go to {@code target/reliability.txt}.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PubSubHandOverIT {
  static final Path SCHEMA = Path.of("src/test/resources/reliability/quotes.schema.json");
  static final int TOTAL = 20_000;

  private final PubSubEmulator emulator;
  @TempDir Path dir;
  private EmulatorCloud cloud;
  private final List<DcpProcess> started = new ArrayList<>();
  private List<String> ids;
  private Path config;

  PubSubHandOverIT(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void publishTheQuotes() throws Exception {
    // "local" is no Google Cloud project id: dcp takes it because an endpoint is set.
    cloud = EmulatorCloud.start(emulator, "local");
    ids = cloud.publish(Quotes.messages(TOTAL));
    config =
        cloud.config(dir, SCHEMA, LoopbackBigQuery.DEAD_LETTER_TABLE + LoopbackBigQuery.ADMIN_OFF);
  }

  @AfterEach
  void stop() throws Exception {
    DcpProcess.killIfAlive(started.toArray(DcpProcess[]::new));
    cloud.close();
  }

  @Test
  void aStoppedDcpHandsBackWhatItHeldSoARestartStoresEveryMessage() throws Exception {
    DcpProcess first = start("first.log");
    first.await(() -> cloud.write.rows(TABLE).size() >= TOTAL / 4, Duration.ofSeconds(180));
    assertThat(first.terminate(Duration.ofSeconds(60))).isIn(0, 143);
    int storedAtStop = new HashSet<>(cloud.messageIds(TABLE)).size();

    long restartedAt = System.nanoTime();
    DcpProcess second = start("second.log");
    second.await(this::allStored, Duration.ofSeconds(240));
    double secondsToAll = (System.nanoTime() - restartedAt) / 1e9;
    second.terminate(Duration.ofSeconds(60));

    Stored stored = stored();
    Report.append(
        "stop/restart on the emulator: published %d, stored at SIGTERM %d, %d still to land;"
                .formatted(TOTAL, storedAtStop, TOTAL - storedAtStop)
            + " all stored %.1f s after the restart, rows %d, duplicates %d, lost %d"
                .formatted(secondsToAll, stored.rows(), stored.duplicates(), stored.lost()));
    assertThat(stored.lost()).isZero();
    assertThat(cloud.write.rows(DEAD_LETTERS)).isEmpty();
  }

  @Test
  void twoReplicasOneKilledMidStreamStoreEveryPublishedMessage() throws Exception {
    DcpProcess killed = start("a.log");
    DcpProcess survivor = start("b.log");

    killed.await(() -> cloud.write.rows(TABLE).size() >= TOTAL / 4, Duration.ofSeconds(180));
    killed.kill();
    long killedAt = System.nanoTime();
    survivor.await(this::allStored, Duration.ofSeconds(180));
    double secondsToAll = (System.nanoTime() - killedAt) / 1e9;
    survivor.terminate(Duration.ofSeconds(60));

    Stored stored = stored();
    Report.append(
        "replicas: 2 on one emulator subscription, one kill -9 at %d rows: published %d, rows %d,"
                .formatted(TOTAL / 4, TOTAL, stored.rows())
            + " duplicates %d, lost %d, all stored %.1f s after the kill"
                .formatted(stored.duplicates(), stored.lost(), secondsToAll));
    assertThat(stored.lost()).isZero();
    assertThat(stored.distinct()).isEqualTo(TOTAL);
    assertThat(cloud.write.rows(DEAD_LETTERS)).isEmpty();
  }

  private DcpProcess start(String log) throws Exception {
    DcpProcess dcp = DcpProcess.start(config, dir.resolve(log), 0, "-Xmx256m");
    started.add(dcp);
    return dcp;
  }

  private boolean allStored() {
    return new HashSet<>(cloud.messageIds(TABLE)).containsAll(ids);
  }

  /** What the table holds: rows, distinct message ids, and published messages missing. */
  private record Stored(int rows, int distinct, long lost) {
    int duplicates() {
      return rows - distinct;
    }
  }

  private Stored stored() {
    List<String> rows = cloud.messageIds(TABLE);
    Set<String> distinct = new HashSet<>(rows);
    long lost = ids.stream().filter(id -> !distinct.contains(id)).count();
    return new Stored(rows.size(), distinct.size(), lost);
  }
}

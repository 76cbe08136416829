package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.runner.standalone.process.DuckDbFile;
import io.dcp.runner.standalone.process.NdjsonInput;
import io.dcp.testing.process.DcpProcess;
import io.dcp.testing.process.DuckDbRunConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * NDJSON into DuckDB is exactly once across crashes: dcp.jar killed with SIGKILL in the middle of a
 * file, then stopped with SIGTERM in the middle of the rest, then run to the end, leaves every line
 * in the table once.
 *
 * <p>Each stop comes as soon as the run's Prometheus counter shows a committed row (polled every 20
 * ms), not after a progress line: those come every 5 s, and a fast machine writes the rest of the
 * file before the second run prints one.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FileResumeIT {
  @TempDir Path dir;
  DcpProcess dcp;

  @AfterEach
  void stop() throws Exception {
    DcpProcess.killIfAlive(dcp);
  }

  @Test
  void aFileRunAgainAfterKillNineAndSigtermLandsEveryLineExactlyOnce() throws Exception {
    int total = 1_000_000;
    Path input =
        NdjsonInput.write(
            dir.resolve("quotes.ndjson"),
            total,
            i -> "{\"symbol\":\"S" + (i % 500) + "\",\"seq\":" + i + "}");
    Path schema =
        Files.writeString(
            dir.resolve("schema.json"),
            "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"seq\",\"type\":\"INT64\"},"
                + "{\"name\":\"message_id\",\"type\":\"STRING\"}]");
    Path db = dir.resolve("quotes.duckdb");
    DuckDbRunConfig run =
        DuckDbRunConfig.fromFile(input, db, schema)
            .withColumn("message_id", "metadata:message_id")
            .withSections("pipeline:\n  maxBatchRows: 200\n");

    dcp = start(run, "first");
    dcp.await(() -> rowsWritten(dcp) > 0, Duration.ofSeconds(120));
    dcp.kill();
    long atKill = new DuckDbFile(db).count("SELECT count(*) FROM quotes");

    dcp = start(run, "second");
    dcp.await(() -> rowsWritten(dcp) > 0, Duration.ofSeconds(120));
    int sigterm = dcp.terminate(Duration.ofSeconds(60));
    String second = dcp.log();

    dcp = start(run, "third");
    dcp.await(() -> !dcp.isAlive(), Duration.ofSeconds(180));
    String third = dcp.log();

    List<Long> counts =
        new DuckDbFile(db).counts("SELECT count(*), count(DISTINCT message_id) FROM quotes");
    long rows = counts.get(0);
    long distinct = counts.get(1);
    Matcher skipped = Pattern.compile("Skipped ([\\d,]+) lines").matcher(third);
    Report.append(
        "resume: kill -9 at %,d rows, SIGTERM (exit %d) in the rerun, third run skipped %s lines"
                .formatted(atKill, sigterm, skipped.find() ? skipped.group(1) : "?")
            + " | lines %,d | rows %,d | duplicates %,d | lost %,d"
                .formatted(total, rows, rows - distinct, total - distinct));
    assertThat(atKill).isLessThan(total);
    assertThat(sigterm).as(second).isZero();
    assertThat(second)
        .contains("Stopped before the end of the input after")
        .contains("The input was not finished: run the same command again")
        .doesNotContain("Done in");
    assertThat(third).contains("Done in").containsPattern("Skipped [\\d,]+ lines");
    assertThat(
            new DuckDbFile(db)
                .counts(
                    "SELECT count(*), count(DISTINCT message_id), count(DISTINCT seq) FROM quotes"))
        .containsExactly((long) total, (long) total, (long) total);
  }

  /** Starts dcp.jar on {@code run} with its admin server on a free port, logging to NAME.log. */
  private DcpProcess start(DuckDbRunConfig run, String name) throws Exception {
    int adminPort = DcpProcess.freePort();
    Path config = run.withAdminPort(adminPort).write(dir.resolve(name + ".yaml"));
    return DcpProcess.start(config, dir.resolve(name + ".log"), adminPort, "-Xmx256m");
  }

  /** The rows {@code dcp} has committed so far, 0 until its admin server answers. */
  private static long rowsWritten(DcpProcess dcp) {
    try {
      return (long) dcp.metric("dcp_rows_written_total");
    } catch (java.io.IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}

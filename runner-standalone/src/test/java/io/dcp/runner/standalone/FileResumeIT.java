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
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class FileResumeIT {
  private static final Pattern PROGRESS = Pattern.compile("([\\d,]+) rows, [\\d,]+ dead letters");

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
    Path config =
        DuckDbRunConfig.fromFile(input, db, schema)
            .withColumn("message_id", "metadata:message_id")
            .withSections("pipeline:\n  maxBatchRows: 200\n")
            .writeTo(dir);

    Path firstLog = dir.resolve("first.log");
    dcp = DcpProcess.start(config, firstLog, 0, "-Xmx256m");
    dcp.await(() -> rowsInProgress(firstLog) > 0, Duration.ofSeconds(120));
    dcp.kill();
    long atKill = rowsInProgress(firstLog);

    Path secondLog = dir.resolve("second.log");
    dcp = DcpProcess.start(config, secondLog, 0, "-Xmx256m");
    dcp.await(() -> rowsInProgress(secondLog) > 0, Duration.ofSeconds(120));
    int sigterm = dcp.terminate(Duration.ofSeconds(60));
    String second = Files.readString(secondLog);

    Path thirdLog = dir.resolve("third.log");
    dcp = DcpProcess.start(config, thirdLog, 0, "-Xmx256m");
    dcp.await(() -> !dcp.isAlive(), Duration.ofSeconds(180));
    String third = Files.readString(thirdLog);

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

  /** The rows figure of the last progress line in {@code log}, 0 before the first. */
  private static long rowsInProgress(Path log) {
    try {
      Matcher m = PROGRESS.matcher(Files.readString(log));
      long rows = 0;
      while (m.find()) {
        rows = Long.parseLong(m.group(1).replace(",", ""));
      }
      return rows;
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}

package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
 * The DuckDB file on a 2 MiB tmpfs that fills up: dcp stops with one error, logs little, counts
 * what is in the table, and a rerun after space was freed completes the file exactly once. Mounting
 * needs root (CI runs as root); elsewhere the test is skipped.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class DiskFullIT {
  private static final Pattern ROWS =
      Pattern.compile("Failed after [\\d.]+ s: .*?([\\d,]+) rows written");

  @TempDir Path dir;
  Path mount;
  DcpProcess dcp;

  @AfterEach
  void unmount() throws Exception {
    DcpProcess.killIfAlive(dcp);
    if (mount != null) {
      run("umount", mount.toString());
    }
  }

  private static int run(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
  }

  @Test
  void aFullDiskStopsTheRunWithOneErrorTrueCountsAndARerunCompletesTheFile() throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")), "mounting a size-limited tmpfs needs root");
    mount = Files.createDirectories(dir.resolve("small"));
    assertThat(run("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mount.toString())).isZero();
    int total = 200_000;
    Path input =
        NdjsonInput.write(
            dir.resolve("in.ndjson"),
            total,
            i ->
                "{\"symbol\":\"S" + i + "\",\"seq\":" + i + ",\"pad\":\"" + "x".repeat(40) + "\"}");
    Path schema =
        Files.writeString(
            dir.resolve("schema.json"),
            "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"seq\",\"type\":\"INT64\"},"
                + "{\"name\":\"pad\",\"type\":\"STRING\"},{\"name\":\"message_id\",\"type\":\"STRING\"}]");
    Path db = mount.resolve("q.duckdb");
    DuckDbFile quotes = new DuckDbFile(db);
    Path config =
        DuckDbRunConfig.fromFile(input, db, schema)
            .withColumn("message_id", "metadata:message_id")
            .writeTo(dir);

    Path firstLog = dir.resolve("first.log");
    long started = System.nanoTime();
    dcp = DcpProcess.start(config, firstLog, 0, "-Xmx256m");
    dcp.await(() -> !dcp.isAlive(), Duration.ofSeconds(120));
    double seconds = (System.nanoTime() - started) / 1e9;
    String first = Files.readString(firstLog);
    int status = dcp.exitValue();
    assertThat(run("mount", "-o", "remount,size=64m", mount.toString())).isZero();
    long inTable = quotes.count("SELECT count(*) FROM quotes");
    Path secondLog = dir.resolve("second.log");
    dcp = DcpProcess.start(config, secondLog, 0, "-Xmx256m");
    dcp.await(() -> !dcp.isAlive(), Duration.ofSeconds(120));
    String second = Files.readString(secondLog);

    Matcher summary = ROWS.matcher(first);
    assertThat(summary.find()).as(first).isTrue();
    long reported = Long.parseLong(summary.group(1).replace(",", ""));
    List<String> errors = first.lines().filter(l -> l.contains("No space left on device")).toList();
    Report.append(
        ("disk full (2 MiB tmpfs): stopped after %.1f s, exit %d, log %,d bytes, %,d error lines,"
                + " %,d rows reported, %,d in the table; rerun: %,d rows, each once")
            .formatted(
                seconds,
                status,
                first.length(),
                errors.size(),
                reported,
                inTable,
                quotes.count("SELECT count(DISTINCT message_id) FROM quotes")));
    assertThat(status).isEqualTo(1);
    assertThat(errors)
        .hasSize(2)
        .anySatisfy(
            l ->
                assertThat(l)
                    .startsWith("the run failed: DuckDB file " + db + " cannot be written:")
                    .contains("Free space on its disk (or move sink.duckdb.path)"));
    assertThat(first.length()).isLessThan(4_000);
    assertThat(reported).isEqualTo(inTable).isPositive().isLessThan(total);
    assertThat(second).contains("Done in").contains("Skipped " + String.format("%,d", inTable));
    assertThat(quotes.count("SELECT count(*) FROM quotes")).isEqualTo(total);
    assertThat(quotes.count("SELECT count(DISTINCT message_id) FROM quotes")).isEqualTo(total);
  }
}

package io.dcp.benchmarks.pipeline;

import io.dcp.core.schema.SchemaJson;
import io.dcp.core.testing.QuoteEvents;
import io.dcp.testing.process.DcpProcess;
import io.dcp.testing.process.DuckDbRunConfig;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dcp run} of a large NDJSON file into DuckDB, as an operator runs it: the packaged {@code
 * dcp.jar} as a child process, once per heap setting, side by side in one run. Reports rows/s, wall
 * time, the child's peak resident set (VmHWM from {@code /proc/<pid>/status}: heap, metaspace,
 * threads, direct buffers and DuckDB's native memory alike) and its exit code.
 *
 * <p>Arguments: lines (default 1,000,000), the path of dcp.jar (default {@code
 * runner-standalone/target/dcp.jar}), then the heap settings to run (default {@code -Xmx256m} and
 * {@code default}, the JVM's own choice: a quarter of the machine's memory); a setting may hold
 * several JVM options separated by spaces ({@code "-Xmx256m -XX:+UseSerialGC"}).
 */
public final class FileRunBenchmark {
  private static final Pattern SUMMARY = Pattern.compile("([\\d,]+) rows written");

  private FileRunBenchmark() {}

  /** One child run's figures. */
  private record Result(
      String heap, int exitCode, double seconds, long peakRssKib, long rows, String summary) {}

  public static void main(String[] args) throws Exception {
    int lines = args.length > 0 ? Integer.parseInt(args[0].replace("_", "")) : 1_000_000;
    Path jar = Path.of(args.length > 1 ? args[1] : "runner-standalone/target/dcp.jar");
    List<String> heaps =
        args.length > 2 ? List.of(args).subList(2, args.length) : List.of("-Xmx256m", "default");
    if (!Files.isReadable(jar)) {
      throw new IllegalArgumentException(jar + " not found: package runner-standalone first");
    }
    Path dir = Files.createTempDirectory("dcp-file-run");
    Path input = dir.resolve("quotes.ndjson");
    writeInput(input, lines);
    Path schema = dir.resolve("schema.json");
    Files.writeString(schema, SchemaJson.write(QuoteEvents.schema()));
    System.out.printf(
        "%,d lines, %,d bytes of NDJSON; %s%n", lines, Files.size(input), jar.toAbsolutePath());

    List<Result> results = new ArrayList<>();
    for (String heap : heaps) {
      Path db = dir.resolve("run-" + results.size() + ".duckdb");
      Path config =
          DuckDbRunConfig.fromFile(input, db, schema)
              .withMappingOption("mode: typed")
              .withMappingOption("unknownFields: ignore")
              .write(dir.resolve("run-" + results.size() + ".yaml"));
      Result result = run(jar, heap, config, dir.resolve("run-" + results.size() + ".log"));
      results.add(result);
      System.out.printf(
          "%-10s exit %d  %7.1f s  %,9.0f rows/s  peak RSS %,6d MiB  (%s)%n",
          heap,
          result.exitCode(),
          result.seconds(),
          result.rows() / result.seconds(),
          result.peakRssKib() / 1024,
          result.summary());
    }
    deleteAll(dir);
  }

  /** The quickstart's kind of file: flat quote events, one a line. */
  private static void writeInput(Path input, int lines) throws IOException {
    int chunk = 50_000;
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(input), 1 << 20)) {
      byte[][] payloads = QuoteEvents.payloads(Math.min(lines, chunk));
      for (int i = 0; i < lines; i++) {
        out.write(payloads[i % payloads.length]);
        out.write('\n');
      }
    }
  }

  private static Result run(Path jar, String heap, Path config, Path log) throws Exception {
    List<String> jvmOptions =
        heap.equals("default") ? List.of() : List.of(heap.trim().split("\\s+"));
    long started = System.nanoTime();
    DcpProcess process = DcpProcess.start(jar, config, log, 0, jvmOptions);
    Path status = Path.of("/proc", Long.toString(process.pid()), "status");
    long peak = 0;
    while (!process.waitFor(Duration.ofMillis(100))) {
      peak = Math.max(peak, peakRssKib(status));
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    String output = Files.readString(log, StandardCharsets.UTF_8);
    Matcher written = SUMMARY.matcher(output);
    long rows = written.find() ? Long.parseLong(written.group(1).replace(",", "")) : 0;
    String summary =
        output
            .lines()
            .filter(l -> l.contains("rows written") || l.contains("Error"))
            .findFirst()
            .orElse("no summary: see " + log);
    return new Result(heap, process.exitValue(), seconds, peak, rows, summary.strip());
  }

  /** VmHWM, the kernel's record of the process's peak resident set; 0 once it has exited. */
  private static long peakRssKib(Path status) {
    try {
      for (String line : Files.readAllLines(status)) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
    } catch (IOException exited) {
      // The process ended between two samples: its last sample stands.
    }
    return 0;
  }

  private static void deleteAll(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}

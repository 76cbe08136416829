package io.dcp.benchmarks.http;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code dcp run} with {@code source.type: http} into a DuckDB file in a temporary
 * directory, its admin server on: the quickstart's table and schema, run from the repository root.
 */
final class DcpProcess implements AutoCloseable {
  private final Process process;
  private final int publishPort;
  private final int adminPort;
  private final HttpClient http = HttpClient.newHttpClient();

  private DcpProcess(Process process, int publishPort, int adminPort) {
    this.process = process;
    this.publishPort = publishPort;
    this.adminPort = adminPort;
  }

  /** Starts {@code java -jar dcpJar run} and returns once both ports answer. */
  static DcpProcess start(String dcpJar) throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("dcp-http-bench");
    int publishPort = freePort();
    int adminPort = freePort();
    Path config = dir.resolve("dcp.yaml");
    Files.writeString(
        config,
        """
        source:
          type: http
          http:
            port: %d
        sink:
          type: duckdb
          duckdb:
            path: %s
        deadLetter:
          table: dead_letters
        table:
          id: quotes
          schema: %s
        mapping:
          mode: typed
          unknownFields: ignore
          columns:
            message_id: metadata:message_id
            ingested_at: metadata:ingested_at
        admin:
          enabled: true
          port: %d
        """
            .formatted(
                publishPort,
                dir.resolve("bench.duckdb").toAbsolutePath(),
                Path.of("examples/quickstart/schema.json").toAbsolutePath(),
                adminPort));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(java, "-jar", dcpJar, "run", "--config", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("dcp.log").toFile())
            .start();
    DcpProcess dcp = new DcpProcess(process, publishPort, adminPort);
    dcp.awaitReady(dir.resolve("dcp.log"));
    return dcp;
  }

  private void awaitReady(Path log) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("dcp exited: " + Files.readString(log));
      }
      if (answers(adminPort, "/healthz")
          && answers(publishPort, "/v1/projects/bench/topics/quotes")) {
        return;
      }
      Thread.sleep(100);
    }
    close();
    throw new IllegalStateException("dcp did not answer within 60 s: " + Files.readString(log));
  }

  private boolean answers(int port, String path) throws InterruptedException {
    try {
      return get(port, path).statusCode() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  long pid() {
    return process.pid();
  }

  int publishPort() {
    return publishPort;
  }

  int adminPort() {
    return adminPort;
  }

  /** Row batches written and rows written so far, from the process's Prometheus metrics. */
  long[] batchCounts() throws IOException, InterruptedException {
    long batches = 0;
    long rows = 0;
    for (String line : get(adminPort, "/metrics").body().split("\n")) {
      if (line.startsWith("dcp_write_latency_seconds_count")) {
        batches += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      } else if (line.startsWith("dcp_rows_written_total")) {
        rows += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return new long[] {batches, rows};
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Stops the process as SIGTERM does and waits for its drain. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}

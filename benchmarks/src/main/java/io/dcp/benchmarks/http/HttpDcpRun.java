package io.dcp.benchmarks.http;

import io.dcp.testing.process.DcpProcess;
import io.dcp.testing.process.DuckDbRunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A real {@code dcp run} with {@code source.type: http} into a DuckDB file in a temporary
 * directory, its admin server on: the quickstart's table and schema, run from the repository root.
 */
final class HttpDcpRun implements AutoCloseable {
  private final DcpProcess process;
  private final int publishPort;
  private final int adminPort;

  private HttpDcpRun(DcpProcess process, int publishPort, int adminPort) {
    this.process = process;
    this.publishPort = publishPort;
    this.adminPort = adminPort;
  }

  /** Starts {@code java -jar dcpJar run} and returns once both ports answer. */
  static HttpDcpRun start(String dcpJar) throws Exception {
    Path dir = Files.createTempDirectory("dcp-http-bench");
    int publishPort = DcpProcess.freePort();
    int adminPort = DcpProcess.freePort();
    Path config =
        DuckDbRunConfig.fromHttp(
                publishPort,
                dir.resolve("bench.duckdb"),
                Path.of("examples/quickstart/schema.json"))
            .withMappingOption("mode: typed")
            .withMappingOption("unknownFields: ignore")
            .withColumn("message_id", "metadata:message_id")
            .withColumn("ingested_at", "metadata:ingested_at")
            .withAdminPort(adminPort)
            .writeTo(dir);
    DcpProcess process =
        DcpProcess.start(Path.of(dcpJar), config, dir.resolve("dcp.log"), adminPort, List.of());
    HttpDcpRun dcp = new HttpDcpRun(process, publishPort, adminPort);
    try {
      process.await(
          () ->
              DcpProcess.answers(adminPort, "/healthz")
                  && DcpProcess.answers(publishPort, "/v1/projects/bench/topics/quotes"),
          Duration.ofSeconds(60));
    } catch (AssertionError notReady) {
      dcp.close();
      throw new IllegalStateException("dcp did not get ready", notReady);
    }
    return dcp;
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
    return new long[] {
      (long) process.metric("dcp_write_latency_seconds_count"),
      (long) process.metric("dcp_rows_written_total")
    };
  }

  /** Stops the process as SIGTERM does and waits for its drain. */
  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.terminate(Duration.ofSeconds(60));
    }
  }
}

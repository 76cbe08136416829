package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.testing.process.DcpProcess;
import io.dcp.testing.process.DuckDbRunConfig;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Google's Node.js Pub/Sub client ({@code @google-cloud/pubsub}, REST fallback) as a producer for
 * {@code dcp run} with {@code source.type=http}: {@code src/it/node/publish.js} publishes batches
 * with attributes and ordering keys; every id it is given must be one stored row. Needs {@code npm}
 * and {@code node} on the PATH: skipped without them, failing under {@code CI=true}.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class NodeProducerIT {
  static final Path NODE_PROJECT = Path.of("src/it/node");
  static final Path SCHEMA = Path.of("src/test/resources/node/quotes.schema.json");
  static final int COUNT = 2_000;

  @TempDir Path dir;
  private DcpProcess dcp;

  @AfterEach
  void stop() throws InterruptedException {
    if (dcp != null && dcp.isAlive()) {
      dcp.kill();
    }
  }

  @Test
  void everyIdTheNodeClientGetsIsOneStoredRowWithItsAttributesAndOrderingKey() throws Exception {
    requireOnPath("npm");
    requireOnPath("node");
    run(Duration.ofMinutes(5), "npm", "ci", "--no-audit", "--no-fund");
    int port = DcpProcess.freePort();
    Path database = dir.resolve("quotes.duckdb");
    Path config =
        DuckDbRunConfig.fromHttp(port, database, SCHEMA)
            .withColumn("message_id", "metadata:message_id")
            .withColumn("origin", "attribute:origin")
            .withColumn("seq", "attribute:seq")
            .withColumn("ordering_key", "metadata:ordering_key")
            .writeTo(dir);
    dcp = DcpProcess.start(config, dir.resolve("dcp.log"), 0);
    dcp.await(
        () -> DcpProcess.answers(port, "/v1/projects/local/topics/quotes"), Duration.ofSeconds(60));

    String out =
        run(
            Duration.ofMinutes(3),
            "node",
            "publish.js",
            "127.0.0.1:" + port,
            "local",
            "quotes",
            Integer.toString(COUNT));
    assertThat(dcp.terminate(Duration.ofSeconds(60))).isIn(0, 143);

    JsonNode answer = new ObjectMapper().readTree(out.lines().reduce((a, b) -> b).orElseThrow());
    Set<String> ids = new HashSet<>();
    answer.get("ids").forEach(id -> ids.add(id.asText()));
    assertThat(answer.get("published").asInt()).isEqualTo(COUNT);
    assertThat(ids).hasSize(COUNT);
    List<String> stored = new ArrayList<>();
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + database.toAbsolutePath());
        ResultSet rows =
            db.createStatement()
                .executeQuery(
                    "SELECT message_id, origin, seq, ordering_key, symbol, id FROM quotes")) {
      while (rows.next()) {
        stored.add(rows.getString(1));
        assertThat(rows.getString(2)).isEqualTo("node");
        assertThat(rows.getString(3)).isEqualTo(Long.toString(rows.getLong(6)));
        assertThat(rows.getString(4)).isEqualTo(rows.getString(5));
      }
    }
    assertThat(stored)
        .hasSize(COUNT)
        .doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(ids);
  }

  private static void requireOnPath(String program) {
    boolean found =
        List.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).stream()
            .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    if (!found) {
      String ci = System.getenv("CI");
      if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
        throw new AssertionError("CI must run the Node.js producer test: install " + program);
      }
      Assumptions.abort(program + " is not on the PATH: install Node.js and npm to run this test");
    }
  }

  /** Runs a command in {@link #NODE_PROJECT}; returns its standard output, fails on non-zero. */
  private String run(Duration timeout, String... command) throws Exception {
    Path err = dir.resolve("node-err.txt");
    Path out = dir.resolve("node-out.txt");
    Process process =
        new ProcessBuilder(command)
            .directory(NODE_PROJECT.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish in " + timeout);
    }
    assertThat(process.exitValue())
        .as(String.join(" ", command) + ": " + Files.readString(err))
        .isZero();
    return Files.readString(out);
  }
}

package io.dcp.parity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.testing.process.DcpProcess;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code examples/api-data} example as its README runs it, from the repository root: {@code dcp
 * run} with its {@code dcp.yaml} into a DuckDB file, counters pushed to a StatsD agent (here a UDP
 * socket on loopback) in Datadog's format, and the Beam job in local mode (DirectRunner) with its
 * {@code dataflow.yaml}. Both land the same rows in {@code api_data(ARRIVAL_DATE DATETIME, data
 * STRING)}: every message as sent, whatever it holds, stamped with its arrival time in UTC; and the
 * same dead letter for the message that is not UTF-8.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ApiDataExampleIT {
  static final Path ROOT = ChildJvm.ROOT;
  static final Path EXAMPLE = ROOT.resolve("examples/api-data");
  static final ObjectMapper JSON = new ObjectMapper();

  /** The {@code data} of each row, in the order of {@code messages.ndjson}. */
  static final List<String> DATA =
      List.of(
          "{\"endpoint\":\"/v1/orders\",\"status\":200,\"body\":{\"id\":\"o-1\",\"total\":12.5}}",
          "{\"endpoint\":\"/v1/orders\",\"status\":201,\"body\":{\"id\":\"o-2\",\"items\":[1,2,3]}}",
          "{\"endpoint\":\"/v1/users/42\",\"status\":404}",
          "upstream timeout after 30s");

  static final String DEAD_LETTER = "messages.ndjson:5 decode: invalid UTF-8 at byte 30";

  @TempDir Path dir;

  @Test
  void dcpRunLandsEveryMessageRawInDuckDbAndSendsDatadogCounters() throws Exception {
    Path database = dir.resolve("api-data.duckdb");
    LocalDateTime before = nowUtc();
    List<String> metrics;
    try (DatagramSocket agent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      agent.setSoTimeout(200);
      Path log = dir.resolve("dcp.log");
      Process dcp =
          new ProcessBuilder(
                  java(),
                  "-jar",
                  DcpProcess.packagedJar().toAbsolutePath().toString(),
                  "run",
                  "--config",
                  "examples/api-data/dcp.yaml",
                  "--set",
                  "sink.duckdb.path=" + database,
                  "--set",
                  "metrics.statsd.port=" + agent.getLocalPort())
              .directory(ROOT.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      assertThat(dcp.waitFor(2, TimeUnit.MINUTES)).isTrue();
      // Every line was sent before dcp exited; the socket holds them.
      metrics = drain(agent);
      assertThat(dcp.exitValue()).as(() -> ChildJvm.read(log)).isZero();
      assertThat(ChildJvm.read(log))
          .contains("5 messages, 4 rows written")
          .contains("1 dead letters");
    }
    LocalDateTime after = nowUtc();

    List<String> data = new ArrayList<>();
    List<LocalDateTime> arrivals = new ArrayList<>();
    List<String> deadLetters = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + database);
        ResultSet rows =
            c.createStatement().executeQuery("SELECT ARRIVAL_DATE, data FROM api_data");
        ResultSet dead =
            c.createStatement()
                .executeQuery(
                    "SELECT message_id || ' ' || errorMessage FROM api_data_dead_letters")) {
      while (rows.next()) {
        arrivals.add(rows.getObject(1, LocalDateTime.class));
        data.add(rows.getString(2));
      }
      while (dead.next()) {
        deadLetters.add(dead.getString(1));
      }
    }
    assertThat(data).containsExactlyInAnyOrderElementsOf(DATA);
    assertThat(arrivals).allSatisfy(at -> assertThat(at).isBetween(before, after));
    assertThat(deadLetters).containsExactly(DEAD_LETTER);
    assertThat(metrics)
        .contains(
            "dcp.rows.written:4|c|#statistic:count,service:api-data,table:api_data",
            "dcp.dead.letters:1|c|#statistic:count,service:api-data,stage:decode");
    assertThat(metrics.stream().filter(l -> l.startsWith("dcp.messages.received:")))
        .hasSize(5)
        .containsOnly("dcp.messages.received:1|c|#statistic:count,service:api-data");
  }

  @Test
  void theBeamJobInLocalModeLandsTheSameRows() throws Exception {
    Path out = dir.resolve("beam");
    Path log = dir.resolve("beam.log");
    LocalDateTime before = nowUtc();
    ChildJvm.runBeam(
        ROOT,
        false,
        log,
        Duration.ofMinutes(3),
        "io.dcp.beam.DcpBeamMain",
        "--configFile=examples/api-data/dataflow.yaml",
        "--inputFiles=examples/api-data/messages.ndjson",
        "--outputDirectory=" + out);
    LocalDateTime after = nowUtc();

    List<Map<String, Object>> rows = readAll(out, "rows-");
    assertThat(rows).allSatisfy(row -> assertThat(row).containsOnlyKeys("ARRIVAL_DATE", "data"));
    assertThat(rows.stream().map(row -> (String) row.get("data")).toList())
        .containsExactlyInAnyOrderElementsOf(DATA);
    assertThat(rows)
        .allSatisfy(
            row ->
                assertThat(LocalDateTime.parse((String) row.get("ARRIVAL_DATE")))
                    .isBetween(before, after));
    assertThat(
            readAll(out, "dead_letters-").stream()
                .map(d -> d.get("message_id") + " " + d.get("errorMessage"))
                .toList())
        .containsExactly(DEAD_LETTER);
  }

  private static LocalDateTime nowUtc() {
    return LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }

  private static List<Map<String, Object>> readAll(Path out, String prefix) throws IOException {
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Stream<Path> files = Files.list(out)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
        for (String line : Files.readAllLines(file)) {
          rows.add(JSON.readValue(line, new TypeReference<>() {}));
        }
      }
    }
    return rows;
  }

  /** The StatsD lines the agent holds, one packet after another until none comes for 200 ms. */
  private static List<String> drain(DatagramSocket agent) throws IOException {
    List<String> lines = new ArrayList<>();
    byte[] buffer = new byte[65_535];
    while (true) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        agent.receive(packet);
      } catch (SocketTimeoutException e) {
        return lines;
      }
      String text =
          new String(
              packet.getData(), packet.getOffset(), packet.getLength(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        if (!line.isEmpty()) {
          lines.add(line);
        }
      }
    }
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}

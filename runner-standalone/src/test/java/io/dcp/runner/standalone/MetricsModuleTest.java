package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.PipelineMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The metrics wiring of {@code dcp run}, from config to what reaches the backend. */
class MetricsModuleTest {
  private static final TableId QUOTES = TableId.local("quotes");

  @TempDir Path dir;

  private DcpConfig.Metrics config(String... sets) throws Exception {
    Path file = dir.resolve("dcp.yaml");
    Files.writeString(
        file,
        """
        source:
          ndjson:
            paths: [events.ndjson]
        table:
          id: quotes
          schema: schema.json
        """);
    return new ConfigLoader(Map.of()).load(file, List.of(sets)).metrics();
  }

  private static void recordOneBatch(PipelineMetrics metrics) {
    metrics.messageReceived(120);
    metrics.messageReceived(80);
    metrics.writeRetried(QUOTES);
    metrics.batchWritten(QUOTES, 2, 200, Duration.ofMillis(12));
    metrics.rowsWritten(QUOTES, 2);
    metrics.deadLettered(Stage.MAP, 1);
    metrics.acked(3);
  }

  @Test
  void pushesDatadogLinesWithTheCommonTagsToTheStatsdAgent() throws Exception {
    try (DatagramSocket agent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      agent.setSoTimeout(200);
      Injector injector =
          Guice.createInjector(
              new MetricsModule(
                  config(
                      "metrics.backend=statsd",
                      "metrics.statsd.port=" + agent.getLocalPort(),
                      "metrics.statsd.pollingFrequency=100ms",
                      "metrics.tags.env=test",
                      "metrics.tags.service=quotes")));
      MeterRegistry registry = injector.getInstance(MeterRegistry.class);
      PipelineMetrics metrics = injector.getInstance(PipelineMetrics.class);
      // Recorded at once, before any gauge was polled: each line is sent as it is recorded.
      recordOneBatch(metrics);
      List<String> lines = receiveUntil(agent, "dcp.messages.acked:", Duration.ofSeconds(10));
      registry.close();

      assertThat(lines.stream().filter(line -> !line.contains("|g")))
          .containsExactly(
              "dcp.messages.received:1|c|#statistic:count,env:test,service:quotes",
              "dcp.message.bytes:120|h|#env:test,service:quotes",
              "dcp.messages.received:1|c|#statistic:count,env:test,service:quotes",
              "dcp.message.bytes:80|h|#env:test,service:quotes",
              "dcp.write.retries:1|c|#statistic:count,env:test,service:quotes,table:quotes",
              "dcp.write.latency:12|ms|#env:test,service:quotes,table:quotes",
              "dcp.rows.written:2|c|#statistic:count,env:test,service:quotes,table:quotes",
              "dcp.dead.letters:1|c|#statistic:count,env:test,service:quotes,stage:map",
              "dcp.messages.acked:3|c|#statistic:count,env:test,service:quotes");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = " -> ",
      value = {
        "datadog -> dcp.rows.written:2|c|#statistic:count,env:test,table:quotes",
        "telegraf -> dcp_rows_written,statistic=count,env=test,table=quotes:2|c",
        "etsy -> dcpRowsWritten.env.test.statistic.count.table.quotes:2|c"
      })
  void writesTheLineFormatOfEachFlavor(String flavor, String expected) throws Exception {
    try (DatagramSocket agent = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      agent.setSoTimeout(200);
      Injector injector =
          Guice.createInjector(
              new MetricsModule(
                  config(
                      "metrics.backend=statsd",
                      "metrics.statsd.flavor=" + flavor,
                      "metrics.statsd.port=" + agent.getLocalPort(),
                      "metrics.statsd.pollingFrequency=100ms",
                      "metrics.tags.env=test")));
      PipelineMetrics metrics = injector.getInstance(PipelineMetrics.class);
      assertThat(receiveUntil(agent, "|g", Duration.ofSeconds(10))).isNotEmpty();

      metrics.rowsWritten(QUOTES, 2);
      List<String> lines = receiveUntil(agent, "|c", Duration.ofSeconds(10));
      injector.getInstance(MeterRegistry.class).close();

      assertThat(lines.stream().filter(line -> line.contains("|c"))).containsExactly(expected);
    }
  }

  @Test
  void servesPrometheusByDefaultWithTheCommonTags() throws Exception {
    Injector injector = Guice.createInjector(new MetricsModule(config("metrics.tags.env=test")));

    recordOneBatch(injector.getInstance(PipelineMetrics.class));

    assertThat(injector.getInstance(MeterRegistry.class))
        .isInstanceOf(PrometheusMeterRegistry.class);
    String scrape = ((PrometheusMeterRegistry) injector.getInstance(MeterRegistry.class)).scrape();
    assertThat(scrape)
        .contains("dcp_messages_received_total{env=\"test\"} 2.0")
        .contains("dcp_rows_written_total{env=\"test\",table=\"quotes\"} 2.0")
        .contains("dcp_dead_letters_total{env=\"test\",stage=\"map\"} 1.0")
        .contains("dcp_write_retries_total{env=\"test\",table=\"quotes\"} 1.0")
        .contains("dcp_messages_acked_total{env=\"test\"} 3.0");
  }

  /** Lines the agent receives, until one contains {@code last} or the deadline passes. */
  private static List<String> receiveUntil(DatagramSocket agent, String last, Duration deadline)
      throws Exception {
    List<String> lines = new ArrayList<>();
    long end = System.nanoTime() + deadline.toNanos();
    byte[] buffer = new byte[65_535];
    while (System.nanoTime() < end && lines.stream().noneMatch(line -> line.contains(last))) {
      DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
      try {
        agent.receive(packet);
      } catch (SocketTimeoutException e) {
        continue;
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
    return lines;
  }
}

package io.dcp.benchmarks.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dcp.adapters.http.HttpPublishSource;
import io.dcp.benchmarks.mapping.MappingBenchmark;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.testing.QuoteEvents;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The publish endpoint under N concurrent one-message clients, next to a {@code /healthz} baseline
 * served by the same process: the HTTP stack's own cost.
 *
 * <p>{@code in-process} (the default): a pipeline with the HTTP source and a sink that discards
 * (counting batches, so batch sizes show), and a {@code /healthz} on the JDK server set up as the
 * admin server is (two threads). {@code process DCP_JAR}: the real {@code dcp run} with {@code
 * source.type: http} into DuckDB, driven on its publish port and its admin {@code /healthz}.
 *
 * <pre>
 * java -cp ... io.dcp.benchmarks.http.HttpPublishBenchmark [in-process | process DCP_JAR]
 *     [--clients 8,64] [--seconds 10] [--warmup 3]
 * </pre>
 */
public final class HttpPublishBenchmark {
  private static final String PUBLISH_PATH = "/v1/projects/bench/topics/quotes:publish";

  private HttpPublishBenchmark() {}

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 && !args[0].startsWith("--") ? args[0] : "in-process";
    int[] clients = {8, 64};
    Duration seconds = Duration.ofSeconds(10);
    Duration warmUp = Duration.ofSeconds(3);
    for (int i = 0; i < args.length - 1; i++) {
      switch (args[i]) {
        case "--clients" ->
            clients = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--seconds" -> seconds = Duration.ofSeconds(Long.parseLong(args[i + 1]));
        case "--warmup" -> warmUp = Duration.ofSeconds(Long.parseLong(args[i + 1]));
        default -> {}
      }
    }
    if (mode.equals("process")) {
      // The quickstart's first event, for the quickstart's schema.
      byte[] events = Files.readAllBytes(Path.of("examples/quickstart/events.ndjson"));
      int firstLine = 0;
      while (events[firstLine] != '\n') {
        firstLine++;
      }
      String body = publishBody(Arrays.copyOf(events, firstLine));
      try (HttpDcpRun dcp = HttpDcpRun.start(args[1])) {
        System.out.printf("dcp run (source.type: http, DuckDB sink), pid %d%n", dcp.pid());
        measure(
            clients,
            warmUp,
            seconds,
            new InetSocketAddress("127.0.0.1", dcp.adminPort()),
            new InetSocketAddress("127.0.0.1", dcp.publishPort()),
            body,
            dcp::batchCounts);
      }
      return;
    }
    inProcess(clients, warmUp, seconds, publishBody(QuoteEvents.payloads(1)[0]));
  }

  private static void inProcess(int[] clients, Duration warmUp, Duration seconds, String body)
      throws Exception {
    Clock clock = Clock.systemUTC();
    PipelineSettings settings = PipelineSettings.defaults();
    HttpPublishSource source =
        new HttpPublishSource(
            "127.0.0.1",
            0,
            Set.of("quotes"),
            16L << 20,
            "",
            settings.maxInFlightMessages(),
            Duration.ofSeconds(30),
            clock);
    CountingRowSink sink = new CountingRowSink();
    IngestPipeline pipeline =
        new IngestPipeline(
            source,
            JsonMessageMapper.create(
                MappingBenchmark.flatSchema(), MappingConfig.typed(), "bench", clock),
            TableId.local("quotes"),
            MappingBenchmark.flatSchema(),
            sink,
            new TableDeadLetterSink(sink, TableId.local("dead_letters")),
            settings,
            PipelineMetrics.NOOP,
            clock);
    pipeline.start();
    HttpServer health = healthServer();
    try {
      System.out.println(
          "in-process: pipeline (HTTP source, discarding sink, default settings) and /healthz on"
              + " the JDK server with 2 threads, as the admin server");
      measure(
          clients,
          warmUp,
          seconds,
          health.getAddress(),
          new InetSocketAddress("127.0.0.1", source.port()),
          body,
          () -> new long[] {sink.batches(), sink.rows()});
      System.out.printf(
          "acked %,d, nacked %,d%n", pipeline.stats().acked(), pipeline.stats().nacked());
    } finally {
      health.stop(0);
      pipeline.stop(Duration.ofSeconds(10));
    }
  }

  /** For each client count: /healthz, then publish, side by side in this run. */
  private static void measure(
      int[] clients,
      Duration warmUp,
      Duration seconds,
      InetSocketAddress health,
      InetSocketAddress publish,
      String body,
      BatchCounts batchCounts)
      throws Exception {
    HttpLoadGenerator healthz = new HttpLoadGenerator(health, HttpLoadGenerator.get("/healthz"));
    HttpLoadGenerator publishing =
        new HttpLoadGenerator(publish, HttpLoadGenerator.post(PUBLISH_PATH, body));
    System.out.printf(
        Locale.ROOT,
        "one message per request, %d s warm-up, %d s measured, %d cores%n",
        warmUp.toSeconds(),
        seconds.toSeconds(),
        Runtime.getRuntime().availableProcessors());
    for (int n : clients) {
      HttpLoadGenerator.Result baseline = healthz.run(n, warmUp, seconds);
      long[] before = batchCounts.counts();
      HttpLoadGenerator.Result published = publishing.run(n, warmUp, seconds);
      long[] after = batchCounts.counts();
      long batches = after[0] - before[0];
      long rows = after[1] - before[1];
      System.out.println("  /healthz  " + baseline);
      System.out.println("  publish   " + published);
      System.out.printf(
          Locale.ROOT,
          "  publish / healthz %.2f; %,d batches of %.1f rows on average (warm-up included)%n",
          published.requestsPerSecond() / baseline.requestsPerSecond(),
          batches,
          batches == 0 ? 0.0 : (double) rows / batches);
    }
  }

  /** Batches and rows written so far. */
  interface BatchCounts {
    long[] counts() throws IOException, InterruptedException;
  }

  static String publishBody(byte[] payload) {
    return "{\"messages\":[{\"data\":\"" + Base64.getEncoder().encodeToString(payload) + "\"}]}";
  }

  private static HttpServer healthServer() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    ExecutorService threads =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "health");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.createContext("/healthz", HttpPublishBenchmark::ok);
    server.start();
    return server;
  }

  private static void ok(HttpExchange exchange) {
    try (exchange) {
      byte[] bytes = "ok\n".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(200, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      // The client went away.
    }
  }
}

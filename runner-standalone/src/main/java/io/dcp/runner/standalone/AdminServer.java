package io.dcp.runner.standalone;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dcp.core.pipeline.IngestPipeline;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * Health and metrics over HTTP for orchestrators and scrapers: {@code /healthz} (the process is
 * alive), {@code /readyz} (the pipeline runs and its sink has not failed permanently), {@code
 * /metrics} (Prometheus text format; 404 when metrics are pushed to StatsD instead). Binds to
 * loopback unless configured otherwise.
 */
final class AdminServer implements AutoCloseable {
  private final HttpServer server;

  AdminServer(String host, int port, IngestPipeline pipeline, MeterRegistry registry)
      throws IOException {
    server = HttpServer.create(new InetSocketAddress(host, port), 0);
    server.setExecutor(
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "dcp-admin");
              t.setDaemon(true);
              return t;
            }));
    server.createContext("/healthz", exchange -> respond(exchange, 200, "text/plain", "ok\n"));
    server.createContext(
        "/readyz",
        exchange ->
            pipeline
                .lastPermanentFailure()
                .ifPresentOrElse(
                    failure -> respond(exchange, 503, "text/plain", "not ready: " + failure + "\n"),
                    () -> respond(exchange, 200, "text/plain", "ready\n")));
    server.createContext(
        "/metrics",
        exchange -> {
          if (registry instanceof PrometheusMeterRegistry prometheus) {
            respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", prometheus.scrape());
          } else {
            respond(
                exchange,
                404,
                "text/plain",
                "metrics are pushed to StatsD (metrics.backend: statsd), not served here\n");
          }
        });
    server.start();
  }

  /** The address the server listens on. */
  InetSocketAddress address() {
    return server.getAddress();
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String type, String body) {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", type);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (IOException e) {
      // The client went away; nothing to do.
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}

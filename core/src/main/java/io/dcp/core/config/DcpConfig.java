package io.dcp.core.config;

import static java.util.Objects.requireNonNull;

import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.pipeline.PipelineSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The whole configuration of a {@code dcp} run, validated: one record per section.
 *
 * @param source where messages come from
 * @param sink where rows go
 * @param deadLetter where rejected messages go
 * @param table the destination table and its schema
 * @param mapping how messages map to rows
 * @param pipeline batching, bounds and retries
 * @param admin the admin HTTP server
 * @param metrics where metrics go
 */
public record DcpConfig(
    Source source,
    Sink sink,
    DeadLetter deadLetter,
    Table table,
    MappingConfig mapping,
    PipelineSettings pipeline,
    Admin admin,
    Metrics metrics) {

  public DcpConfig {
    requireNonNull(source, "source");
    requireNonNull(sink, "sink");
    requireNonNull(deadLetter, "deadLetter");
    requireNonNull(table, "table");
    requireNonNull(mapping, "mapping");
    requireNonNull(pipeline, "pipeline");
    requireNonNull(admin, "admin");
    requireNonNull(metrics, "metrics");
  }

  /** The {@code source} section: {@code type} and the settings of each type. */
  public record Source(
      String type,
      List<String> ndjsonPaths,
      int ndjsonMaxAttempts,
      String httpHost,
      int httpPort,
      long httpMaxRequestBytes,
      String httpToken,
      java.time.Duration httpAckTimeout) {
    public Source {
      requireNonNull(type, "type");
      ndjsonPaths = List.copyOf(ndjsonPaths);
      requireNonNull(httpHost, "httpHost");
      requireNonNull(httpToken, "httpToken");
      requireNonNull(httpAckTimeout, "httpAckTimeout");
    }

    /** Never prints the token. */
    @Override
    public String toString() {
      return "Source[type="
          + type
          + ", ndjsonPaths="
          + ndjsonPaths
          + ", http="
          + httpHost
          + ":"
          + httpPort
          + ", token="
          + (httpToken.isEmpty() ? "none" : "****")
          + "]";
    }
  }

  /** The {@code sink} section. */
  public record Sink(
      String type, String duckdbPath, String bigqueryProject, String bigqueryEndpoint) {
    public Sink {
      requireNonNull(type, "type");
      requireNonNull(duckdbPath, "duckdbPath");
      requireNonNull(bigqueryProject, "bigqueryProject");
      requireNonNull(bigqueryEndpoint, "bigqueryEndpoint");
    }
  }

  /** The {@code deadLetter} section. */
  public record DeadLetter(String type, String table) {
    public DeadLetter {
      requireNonNull(type, "type");
      requireNonNull(table, "table");
    }
  }

  /** The {@code table} section: the destination and the schema file. */
  public record Table(String id, String schema) {
    public Table {
      requireNonNull(id, "id");
      requireNonNull(schema, "schema");
    }
  }

  /** The {@code admin} section: health and metrics over HTTP, on loopback by default. */
  public record Admin(boolean enabled, String host, int port) {
    public Admin {
      requireNonNull(host, "host");
    }
  }

  /**
   * The {@code metrics} section: the Micrometer backend and the tags every metric carries.
   *
   * @param backend {@code prometheus} (scraped at the admin server) or {@code statsd} (pushed)
   * @param tags common tags, such as {@code env} and {@code service}
   * @param statsdHost the StatsD agent's host
   * @param statsdPort the StatsD agent's UDP port
   * @param statsdFlavor {@code datadog}, {@code etsy} or {@code telegraf}
   * @param statsdPollingFrequency how often gauges are sent
   */
  public record Metrics(
      String backend,
      Map<String, String> tags,
      String statsdHost,
      int statsdPort,
      String statsdFlavor,
      Duration statsdPollingFrequency) {
    public Metrics {
      requireNonNull(backend, "backend");
      tags = Map.copyOf(tags);
      requireNonNull(statsdHost, "statsdHost");
      requireNonNull(statsdFlavor, "statsdFlavor");
      requireNonNull(statsdPollingFrequency, "statsdPollingFrequency");
    }
  }
}

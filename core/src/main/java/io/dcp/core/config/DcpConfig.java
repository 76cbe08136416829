package io.dcp.core.config;

import static java.util.Objects.requireNonNull;

import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.pipeline.PipelineSettings;
import java.util.List;

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
 */
public record DcpConfig(
    Source source,
    Sink sink,
    DeadLetter deadLetter,
    Table table,
    MappingConfig mapping,
    PipelineSettings pipeline,
    Admin admin) {

  public DcpConfig {
    requireNonNull(source, "source");
    requireNonNull(sink, "sink");
    requireNonNull(deadLetter, "deadLetter");
    requireNonNull(table, "table");
    requireNonNull(mapping, "mapping");
    requireNonNull(pipeline, "pipeline");
    requireNonNull(admin, "admin");
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
}

package io.dcp.core.config;

import static java.util.Objects.requireNonNull;

import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.port.TableOptions;
import java.time.Duration;
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
 * @param sections the values of the sections other modules own, by section; see {@link #section}
 */
public record DcpConfig(
    Source source,
    Sink sink,
    DeadLetter deadLetter,
    Table table,
    MappingConfig mapping,
    PipelineSettings pipeline,
    Admin admin,
    Metrics metrics,
    Map<ConfigSection<?>, Object> sections) {

  public DcpConfig {
    requireNonNull(source, "source");
    requireNonNull(sink, "sink");
    requireNonNull(deadLetter, "deadLetter");
    requireNonNull(table, "table");
    requireNonNull(mapping, "mapping");
    requireNonNull(pipeline, "pipeline");
    requireNonNull(admin, "admin");
    requireNonNull(metrics, "metrics");
    sections = Map.copyOf(sections);
  }

  /** This config with the values of the sections other modules own. */
  DcpConfig withSections(Map<ConfigSection<?>, Object> values) {
    return new DcpConfig(
        source, sink, deadLetter, table, mapping, pipeline, admin, metrics, values);
  }

  /**
   * The value {@code section} read from this config.
   *
   * @throws IllegalArgumentException if the loader was not given {@code section}
   */
  @SuppressWarnings("unchecked") // the loader stores what section.read returned
  public <T> T section(ConfigSection<T> section) {
    Object value = sections.get(section);
    if (value == null) {
      throw new IllegalArgumentException(
          "the " + section.prefix() + " section was not read: hand it to the ConfigLoader");
    }
    return (T) value;
  }

  /**
   * The {@code source} section as core reads it: its type. The settings of each type are the
   * sections of the adapter modules ({@link #section}).
   *
   * @param kind the type of source read
   */
  public record Source(SourceType kind) {
    public Source {
      requireNonNull(kind, "kind");
    }

    /** The value of {@code source.type}: {@code ndjson}, {@code http} or {@code pubsub}. */
    public String type() {
      return kind.name();
    }
  }

  /**
   * The {@code sink} section as core reads it: its type. The settings of each warehouse are the
   * sections of the adapter modules ({@link #section}).
   *
   * @param kind the warehouse rows are written to
   */
  public record Sink(SinkType kind) {
    public Sink {
      requireNonNull(kind, "kind");
    }

    /** The value of {@code sink.type}: {@code duckdb} or {@code bigquery}. */
    public String type() {
      return kind.name();
    }
  }

  /**
   * The {@code deadLetter} section.
   *
   * @param kind a table in the sink's warehouse, or a Pub/Sub topic ({@code deadLetter.pubsub},
   *     adapters-pubsub's section)
   */
  public record DeadLetter(DeadLetterType kind, String table) {
    public DeadLetter {
      requireNonNull(kind, "kind");
      requireNonNull(table, "table");
    }

    /** The value of {@code deadLetter.type} once read: {@code table} or {@code pubsub-topic}. */
    public String type() {
      return kind.name();
    }
  }

  /**
   * The {@code table} section: the destination, its schema file, and what dcp may change.
   *
   * @param create create the table and the dead-letter table when missing (with {@code options})
   * @param options partitioning and clustering of a table dcp creates
   * @param addMissingColumns add the schema file's columns the live table lacks, as NULLABLE
   * @param route the template that names a table per message; empty: every message to {@code id}
   * @param routeMaxTables the most tables {@code route} may open
   * @param schemas the schema file of each routed table that has its own, by table id
   * @param addColumns {@code schema.evolution: add-columns}: new payload fields become columns
   */
  public record Table(
      String id,
      String schema,
      boolean create,
      TableOptions options,
      boolean addMissingColumns,
      String route,
      int routeMaxTables,
      Map<String, String> schemas,
      boolean addColumns) {
    public Table {
      requireNonNull(id, "id");
      requireNonNull(schema, "schema");
      requireNonNull(options, "options");
      requireNonNull(route, "route");
      schemas = Map.copyOf(schemas);
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

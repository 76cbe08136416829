package io.dcp.core.config;

import static java.util.Objects.requireNonNull;

import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.port.TableOptions;
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
 * @param transform the message transform run before mapping, if any
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
    Transform transform,
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
    requireNonNull(transform, "transform");
    requireNonNull(pipeline, "pipeline");
    requireNonNull(admin, "admin");
    requireNonNull(metrics, "metrics");
    sections = Map.copyOf(sections);
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
   * The {@code transform} section: a JavaScript UDF with the Dataflow template's signature.
   *
   * @param javascriptPath the script file, or empty for no transform
   * @param javascriptFunctionName the function called with each message's JSON
   * @param maxStatements the statements one message may run
   * @param maxMillis the wall-clock milliseconds one message may run
   * @param maxAllocatedBytes the bytes one message may allocate
   */
  public record Transform(
      String javascriptPath,
      String javascriptFunctionName,
      long maxStatements,
      long maxMillis,
      long maxAllocatedBytes) {
    public Transform {
      requireNonNull(javascriptPath, "javascriptPath");
      requireNonNull(javascriptFunctionName, "javascriptFunctionName");
    }

    /** Whether a script is configured. */
    public boolean enabled() {
      return !javascriptPath.isEmpty();
    }
  }

  /**
   * The {@code source} section: {@code type} and the settings of each type.
   *
   * @param kind the type of source read
   * @param pubsubSubscription {@code source.pubsub.subscription}, kept here only as the source's
   *     {@link #name}; adapters-pubsub's section reads the Pub/Sub settings
   */
  public record Source(
      SourceType kind,
      List<String> ndjsonPaths,
      int ndjsonMaxAttempts,
      String httpHost,
      int httpPort,
      List<String> httpTopics,
      long httpMaxRequestBytes,
      String httpToken,
      Duration httpAckTimeout,
      String pubsubSubscription) {
    public Source {
      requireNonNull(kind, "kind");
      ndjsonPaths = List.copyOf(ndjsonPaths);
      requireNonNull(httpHost, "httpHost");
      httpTopics = List.copyOf(httpTopics);
      requireNonNull(httpToken, "httpToken");
      requireNonNull(httpAckTimeout, "httpAckTimeout");
      requireNonNull(pubsubSubscription, "pubsubSubscription");
    }

    /** The value of {@code source.type}: {@code ndjson}, {@code http} or {@code pubsub}. */
    public String type() {
      return kind.name();
    }

    /** The name dead letters and metadata give the source. */
    public String name() {
      if (kind instanceof SourceType.Http) {
        return "http:" + httpPort;
      }
      if (kind instanceof SourceType.PubSub) {
        return pubsubSubscription;
      }
      return String.join(",", ndjsonPaths);
    }

    /** Never prints the token. */
    @Override
    public String toString() {
      return "Source[type="
          + type()
          + ", ndjsonPaths="
          + ndjsonPaths
          + ", http="
          + httpHost
          + ":"
          + httpPort
          + ", token="
          + (httpToken.isEmpty() ? "none" : "****")
          + ", pubsubSubscription="
          + pubsubSubscription
          + "]";
    }
  }

  /**
   * The {@code sink} section.
   *
   * @param kind the warehouse rows are written to
   */
  public record Sink(
      SinkType kind,
      String duckdbPath,
      String bigqueryProject,
      String bigqueryEndpoint,
      String bigqueryRestEndpoint) {
    public Sink {
      requireNonNull(kind, "kind");
      requireNonNull(duckdbPath, "duckdbPath");
      requireNonNull(bigqueryProject, "bigqueryProject");
      requireNonNull(bigqueryEndpoint, "bigqueryEndpoint");
      requireNonNull(bigqueryRestEndpoint, "bigqueryRestEndpoint");
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

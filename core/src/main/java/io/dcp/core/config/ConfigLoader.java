package io.dcp.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dcp.core.mapping.ColumnSource;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingMode;
import io.dcp.core.mapping.UnknownFields;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.RetryPolicy;
import io.dcp.core.pipeline.TableRoute;
import io.dcp.core.port.TableOptions;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the configuration: built-in defaults, then the YAML file, then {@code DCP_…} environment
 * variables, then {@code --set key=value} flags, each overriding the one before. Every problem is
 * collected and reported at once, each with its key path and the fix.
 *
 * <p>An environment variable names a key in upper snake case with {@code DCP_} in front: {@code
 * pipeline.maxBatchRows} is {@code DCP_PIPELINE_MAX_BATCH_ROWS}. The keys and their defaults are
 * those of {@code defaults.yaml} beside this class; {@code mapping.columns} takes any column name.
 */
public final class ConfigLoader {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final String OPEN_MAP = "mapping.columns";
  private static final String TAGS = "metrics.tags";
  private static final String SCHEMAS = "table.schemas";
  private static final Set<String> OPEN_MAPS = Set.of(OPEN_MAP, TAGS, SCHEMAS);
  private static final JsonNode DEFAULTS = readDefaults();
  private static final Pattern JS_IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

  /** {@code DCP_} variables that are no config key: the launcher's log level. */
  private static final Set<String> NOT_CONFIG_VARIABLES = Set.of("DCP_LOG_LEVEL");

  private static final Pattern PUBSUB_PROJECT =
      Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9]");
  private static final Pattern PUBSUB_RESOURCE =
      Pattern.compile("(?!goog)[A-Za-z][A-Za-z0-9\\-_.~+%]{2,254}");

  private final Map<String, String> environment;

  /** A loader reading overrides from {@code environment} (normally {@code System.getenv()}). */
  public ConfigLoader(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Returns the environment variable that overrides {@code key}. */
  public static String environmentName(String key) {
    StringBuilder name = new StringBuilder("DCP_");
    for (char c : key.toCharArray()) {
      if (c == '.') {
        name.append('_');
      } else if (Character.isUpperCase(c)) {
        name.append('_').append(c);
      } else {
        name.append(Character.toUpperCase(c));
      }
    }
    return name.toString();
  }

  /** Every key with its default, in file order: the reference for docs and overrides. */
  public static Map<String, String> defaults() {
    Map<String, String> keys = new LinkedHashMap<>();
    leaves(DEFAULTS, "", keys);
    return keys;
  }

  /**
   * Loads {@code file} (may be null: defaults only) with overrides.
   *
   * @param sets {@code key=value} overrides from flags, applied last
   * @throws ConfigException listing every problem
   */
  public DcpConfig load(Path file, List<String> sets) throws ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    DcpConfig config = collect(file, sets, problems);
    throwIfAny(problems);
    return config;
  }

  /**
   * Loads as {@link #load} does, then reads the schema files the config names ({@code
   * table.schema}, {@code table.schemas}) and checks the mapping against them: config, schema and
   * mapping problems come in one report, not one run each. Relative schema paths are from the
   * working directory.
   *
   * @throws ConfigException listing every problem, a schema file's under its key
   */
  public CheckedConfig loadWithSchemas(Path file, List<String> sets) throws ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    DcpConfig config = collect(file, sets, problems);
    boolean mappingRead = problems.stream().noneMatch(p -> p.key().startsWith("mapping"));
    TableSchema schema = null;
    if (!config.table().schema().isEmpty()) {
      schema = schema("table.schema", config.table().schema(), problems);
      if (schema != null && mappingRead) {
        fit(schema, config.mapping(), "", problems);
      }
    }
    for (Map.Entry<String, String> routed : config.table().schemas().entrySet()) {
      String key = SCHEMAS + "." + routed.getKey();
      TableSchema own = schema(key, routed.getValue(), problems);
      if (own != null && mappingRead) {
        fit(own, config.mapping(), " (the schema of " + key + ")", problems);
      }
    }
    throwIfAny(problems);
    return new CheckedConfig(config, schema);
  }

  private static TableSchema schema(String key, String file, List<ConfigProblem> problems) {
    try {
      return SchemaJson.read(Path.of(file));
    } catch (SchemaException e) {
      e.problems().forEach(p -> problems.add(new ConfigProblem(key, file + ": " + p)));
      return null;
    }
  }

  private static void fit(
      TableSchema schema, MappingConfig mapping, String which, List<ConfigProblem> problems) {
    for (String problem : JsonMessageMapper.validate(schema, mapping)) {
      int colon = problem.indexOf(": ");
      problems.add(
          new ConfigProblem(problem.substring(0, colon), problem.substring(colon + 2) + which));
    }
  }

  private static void throwIfAny(List<ConfigProblem> problems) throws ConfigException {
    if (!problems.isEmpty()) {
      problems.sort(Comparator.comparing(ConfigProblem::key));
      throw new ConfigException(problems);
    }
  }

  /** Reads the config into {@code problems} and a config with defaults where a key is bad. */
  private DcpConfig collect(Path file, List<String> sets, List<ConfigProblem> problems)
      throws ConfigException {
    ObjectNode tree = DEFAULTS.deepCopy();
    if (file != null) {
      try {
        byte[] yaml = Files.readAllBytes(file);
        duplicateKeys(yaml, problems);
        JsonNode fromFile = YAML.readTree(yaml);
        if (fromFile != null && !fromFile.isMissingNode() && !fromFile.isNull()) {
          if (!fromFile.isObject()) {
            problems.add(new ConfigProblem("", file + " must hold a YAML mapping of sections"));
          } else {
            merge(tree, (ObjectNode) fromFile, DEFAULTS, "", problems);
          }
        }
      } catch (IOException e) {
        throw new ConfigException(
            List.of(
                new ConfigProblem("", "cannot read " + file + ": " + firstLine(e.getMessage()))));
      }
    }
    Map<String, String> known = defaults();
    Set<String> variables = new java.util.TreeSet<>();
    for (String key : known.keySet()) {
      String variable = environmentName(key);
      variables.add(variable);
      String value = environment.get(variable);
      if (value != null) {
        set(tree, key, value);
      }
    }
    for (String variable : new java.util.TreeSet<>(environment.keySet())) {
      if (variable.startsWith("DCP_")
          && !variables.contains(variable)
          && !NOT_CONFIG_VARIABLES.contains(variable)) {
        problems.add(
            new ConfigProblem(
                variable, "unknown environment variable" + suggestion(variable, variables)));
      }
    }
    for (String assignment : sets) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        problems.add(new ConfigProblem("", "--set '" + assignment + "' is not key=value"));
        continue;
      }
      String key = assignment.substring(0, eq).trim();
      if (!known.containsKey(key) && !isOpenMapEntry(key)) {
        problems.add(new ConfigProblem(key, "unknown key" + suggestion(key, known.keySet())));
        continue;
      }
      set(tree, key, assignment.substring(eq + 1));
    }
    String emulatorHost = environment.getOrDefault("PUBSUB_EMULATOR_HOST", "");
    return bind(new Reader(tree, problems, !emulatorHost.isBlank()));
  }

  /**
   * Reads only the {@code mapping} section of a dcp config file, validated as {@link #load} does:
   * how the Beam runner shares the standalone runner's mapping settings.
   *
   * @throws ConfigException listing every problem of that section
   */
  public static MappingConfig loadMapping(Path file) throws ConfigException {
    try {
      return loadMapping(Files.readString(file));
    } catch (IOException e) {
      throw new ConfigException(
          List.of(new ConfigProblem("", "cannot read " + file + ": " + firstLine(e.getMessage()))));
    }
  }

  /** Reads only the {@code mapping} section of a dcp config given as YAML text. */
  public static MappingConfig loadMapping(String yaml) throws ConfigException {
    List<ConfigProblem> problems = new ArrayList<>();
    ObjectNode tree = DEFAULTS.deepCopy();
    try {
      duplicateKeys(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8), problems);
      JsonNode fromFile = YAML.readTree(yaml);
      JsonNode mapping = fromFile == null ? null : fromFile.get("mapping");
      if (mapping != null && !mapping.isNull()) {
        if (!mapping.isObject()) {
          problems.add(new ConfigProblem("mapping", "expected a section (a YAML mapping)"));
        } else {
          merge(
              (ObjectNode) tree.get("mapping"),
              (ObjectNode) mapping,
              DEFAULTS.get("mapping"),
              "mapping",
              problems);
        }
      }
    } catch (IOException e) {
      throw new ConfigException(
          List.of(new ConfigProblem("", "not YAML: " + firstLine(e.getMessage()))));
    }
    MappingConfig config = mapping(new Reader(tree, problems, false));
    if (!problems.isEmpty()) {
      problems.sort(Comparator.comparing(ConfigProblem::key));
      throw new ConfigException(problems);
    }
    return config;
  }

  /**
   * The keys a dcp config file sets, as key paths in file order ({@code mapping.columns} and the
   * other open maps as one key each): how the Beam runner names the keys only {@code dcp run}
   * reads. A value that is not a section, or text that is not YAML, sets no key; {@link #load}
   * reports those.
   */
  public static Set<String> keysIn(Path file) throws ConfigException {
    JsonNode tree;
    try {
      tree = YAML.readTree(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new ConfigException(
          List.of(new ConfigProblem("", "cannot read " + file + ": " + firstLine(e.getMessage()))));
    }
    Map<String, String> keys = new LinkedHashMap<>();
    if (tree != null && tree.isObject()) {
      leaves(tree, "", keys);
    }
    return keys.keySet();
  }

  private static DcpConfig bind(Reader r) {
    DcpConfig.Source source =
        new DcpConfig.Source(
            r.choice("source.type", "ndjson", "http", "pubsub"),
            r.strings("source.ndjson.paths"),
            r.positiveInt("source.ndjson.maxAttempts"),
            r.string("source.http.host"),
            r.port("source.http.port"),
            r.strings("source.http.topics"),
            r.positiveLong("source.http.maxRequestBytes"),
            r.string("source.http.token"),
            r.duration("source.http.ackTimeout"),
            new DcpConfig.PubSubSource(
                r.string("source.pubsub.subscription"),
                r.string("source.pubsub.endpoint"),
                r.positiveInt("source.pubsub.parallelPullCount"),
                r.positiveInt("source.pubsub.executorThreads"),
                r.duration("source.pubsub.maxAckExtension")));
    if (source.type().equals("ndjson") && source.ndjsonPaths().isEmpty()) {
      r.problem(
          "source.ndjson.paths",
          "required: list the NDJSON files to read, or \"-\" for standard input");
    }
    if (source.type().equals("pubsub")) {
      r.pubsubName("source.pubsub.subscription", "subscriptions", "source.pubsub.endpoint");
    }
    Duration ackTimeout = source.httpAckTimeout();
    if (ackTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || ackTimeout.compareTo(Duration.ofHours(1)) > 0) {
      r.problem(
          "source.http.ackTimeout",
          "'"
              + r.string("source.http.ackTimeout")
              + "' is outside 1s to 1h: a request waits this long for its messages to be committed");
    }
    DcpConfig.Sink sink =
        new DcpConfig.Sink(
            r.choice("sink.type", "duckdb", "bigquery"),
            r.string("sink.duckdb.path"),
            r.string("sink.bigquery.project"),
            r.string("sink.bigquery.endpoint"),
            r.string("sink.bigquery.restEndpoint"));
    if (sink.type().equals("bigquery") && sink.bigqueryProject().isEmpty()) {
      r.problem("sink.bigquery.project", "required when sink.type is bigquery: the project id");
    }
    DcpConfig.DeadLetter deadLetter = deadLetter(r, sink);
    DcpConfig.Table table = table(r, sink);
    if (deadLetter.type().equals("table")) {
      deadLetterTableOfItsOwn(r, deadLetter.table(), table, sink);
    }
    DcpConfig.Admin admin =
        new DcpConfig.Admin(r.bool("admin.enabled"), r.string("admin.host"), r.port("admin.port"));
    if (source.type().equals("http") && admin.enabled() && source.httpPort() == admin.port()) {
      r.problem(
          "source.http.port",
          source.httpPort()
              + " is admin.port too: the publish endpoint and the admin server need ports of"
              + " their own");
    }
    return new DcpConfig(
        source, sink, deadLetter, table, mapping(r), transform(r), pipeline(r), admin, metrics(r));
  }

  /**
   * Dead letters written to the destination table (or a routed one) would fail forever as rows of
   * the wrong shape: compared after qualifying a dataset.table with the sink's project, and
   * case-insensitively for DuckDB, whose names are.
   */
  private static void deadLetterTableOfItsOwn(
      Reader r, String deadLetterTable, DcpConfig.Table table, DcpConfig.Sink sink) {
    TableId deadLetters = parsedOrNull(deadLetterTable);
    if (deadLetters == null) {
      return;
    }
    Map<String, String> destinations = new LinkedHashMap<>();
    destinations.put("table.id", table.id());
    table.schemas().keySet().forEach(t -> destinations.put(SCHEMAS + "." + t, t));
    for (Map.Entry<String, String> destination : destinations.entrySet()) {
      TableId id = parsedOrNull(destination.getValue());
      if (id != null && sameTable(deadLetters, id, sink)) {
        r.problem(
            "deadLetter.table",
            "'"
                + deadLetterTable
                + "' is also "
                + destination.getKey()
                + " ('"
                + destination.getValue()
                + "'): dead letters need a table of their own, e.g. "
                + id.table()
                + "_dead_letters");
      }
    }
  }

  private static TableId parsedOrNull(String text) {
    try {
      return text.isEmpty() ? null : TableId.parse(text);
    } catch (IllegalArgumentException e) {
      return null; // reported under its own key
    }
  }

  private static boolean sameTable(TableId a, TableId b, DcpConfig.Sink sink) {
    if (sink.type().equals("duckdb")) {
      return a.toString().equalsIgnoreCase(b.toString());
    }
    String project = sink.bigqueryProject();
    return (a.project().isEmpty() ? project : a.project())
            .equals(b.project().isEmpty() ? project : b.project())
        && a.dataset().equals(b.dataset())
        && a.table().equals(b.table());
  }

  private static DcpConfig.Transform transform(Reader r) {
    DcpConfig.Transform transform =
        new DcpConfig.Transform(
            r.string("transform.javascript.path"),
            r.string("transform.javascript.functionName"),
            r.positiveLong("transform.javascript.maxStatements"),
            r.positiveLong("transform.javascript.maxMillis"),
            r.positiveLong("transform.javascript.maxAllocatedBytes"));
    if (!JS_IDENTIFIER.matcher(transform.javascriptFunctionName()).matches()) {
      r.problem(
          "transform.javascript.functionName",
          "'"
              + transform.javascriptFunctionName()
              + "' is not a JavaScript function name: write the name the script declares, e.g."
              + " process");
    }
    // A gs:// script is read by the runner that runs it (the bucket client, Beam's file systems).
    if (transform.enabled()
        && !transform.javascriptPath().startsWith("gs://")
        && !Files.isReadable(Path.of(transform.javascriptPath()))) {
      r.problem(
          "transform.javascript.path",
          "'"
              + transform.javascriptPath()
              + "' is not a readable file: give the local path or the gs:// URI of the UDF"
              + " script");
    }
    return transform;
  }

  private static DcpConfig.Metrics metrics(Reader r) {
    DcpConfig.Metrics metrics =
        new DcpConfig.Metrics(
            r.choice("metrics.backend", "prometheus", "statsd"),
            stringMap(r, TAGS, "env: prod", "env=prod,service=quotes"),
            r.string("metrics.statsd.host"),
            r.port("metrics.statsd.port"),
            r.choice("metrics.statsd.flavor", "datadog", "etsy", "telegraf"),
            r.duration("metrics.statsd.pollingFrequency"));
    if (metrics.backend().equals("statsd") && metrics.statsdHost().isBlank()) {
      r.problem(
          "metrics.statsd.host",
          "required when metrics.backend is statsd: the StatsD agent's host, e.g. 127.0.0.1");
    }
    return metrics;
  }

  /**
   * An open map of text values: a YAML mapping, or {@code name=value,name=value} from a variable or
   * flag.
   */
  private static Map<String, String> stringMap(
      Reader r, String key, String yamlExample, String textExample) {
    JsonNode node = r.node(key);
    Map<String, String> tags = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return tags;
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          r.problem(key + "." + e.getKey(), "expected a single value, e.g. " + yamlExample);
        } else {
          tags.put(e.getKey(), e.getValue().asText());
        }
      }
      return tags;
    }
    if (!node.isValueNode()) {
      r.problem(key, "expected a mapping, e.g. {" + yamlExample + "}");
      return tags;
    }
    for (String pair : node.asText().split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        r.problem(
            key,
            "'" + pair.trim() + "' is not name=value; write " + textExample + " or a YAML mapping");
      } else {
        tags.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return tags;
  }

  private static boolean isOpenMapEntry(String key) {
    return OPEN_MAPS.stream().anyMatch(map -> key.startsWith(map + "."));
  }

  private static DcpConfig.DeadLetter deadLetter(Reader r, DcpConfig.Sink sink) {
    String type =
        r.choice("deadLetter.type", "table", "duckdb-table", "bigquery-table", "pubsub-topic");
    if (type.endsWith("-table") && !type.equals(sink.type() + "-table")) {
      r.problem(
          "deadLetter.type",
          type
              + " needs sink.type "
              + type.substring(0, type.indexOf('-'))
              + "; dead-letter tables live in the sink's warehouse: use table");
    }
    if (type.endsWith("table")) {
      type = "table";
      r.tableId("deadLetter.table", r.string("deadLetter.table"));
    } else {
      r.pubsubName("deadLetter.pubsub.topic", "topics", "deadLetter.pubsub.endpoint");
    }
    return new DcpConfig.DeadLetter(
        type,
        r.string("deadLetter.table"),
        new DcpConfig.PubSubTopic(
            r.string("deadLetter.pubsub.topic"),
            r.string("deadLetter.pubsub.endpoint"),
            r.positiveLong("deadLetter.pubsub.maxBatchMessages"),
            r.positiveLong("deadLetter.pubsub.maxBatchBytes"),
            r.duration("deadLetter.pubsub.maxBatchDelay"),
            r.duration("deadLetter.pubsub.publishTimeout")));
  }

  private static DcpConfig.Table table(Reader r, DcpConfig.Sink sink) {
    String id = r.string("table.id");
    if (id.isEmpty()) {
      r.problem("table.id", "required: the destination table (a name, or project.dataset.table)");
    } else {
      r.tableId("table.id", id);
    }
    String schema = r.string("table.schema");
    if (schema.isEmpty()) {
      r.problem(
          "table.schema",
          "required: a BigQuery JSON schema file (bq show --schema --format=prettyjson)");
    }
    TableOptions.Partitioning partitioning =
        TableOptions.Partitioning.valueOf(
            r.choice("table.partitioning", "none", "hour", "day", "month", "year")
                .toUpperCase(Locale.ROOT));
    String partitionColumn = r.string("table.partitionColumn");
    if (partitioning == TableOptions.Partitioning.NONE && !partitionColumn.isEmpty()) {
      r.problem(
          "table.partitionColumn",
          "set table.partitioning (hour, day, month or year) to partition on " + partitionColumn);
    }
    List<String> clustering = r.strings("table.clustering");
    if (clustering.size() > 4) {
      r.problem(
          "table.clustering",
          "BigQuery allows at most 4 clustering columns, " + clustering.size() + " are listed");
      clustering = clustering.subList(0, 4);
    }
    boolean create = r.bool("table.create");
    boolean addMissingColumns = r.bool("table.addMissingColumns");
    String route = r.string("table.route");
    if (!route.isEmpty()) {
      try {
        TableRoute.parse(route);
      } catch (IllegalArgumentException e) {
        r.problem("table.route", e.getMessage());
      }
    }
    Map<String, String> schemas =
        stringMap(
            r,
            SCHEMAS,
            "events_click: click.schema.json",
            "events_click=click.schema.json,events_view=view.schema.json");
    for (String table : schemas.keySet()) {
      r.tableId(SCHEMAS + "." + table, table);
    }
    if (!schemas.isEmpty() && route.isEmpty()) {
      r.problem(SCHEMAS, "only routed tables take their own schema: set table.route too");
    }
    boolean addColumns = r.choice("schema.evolution", "none", "add-columns").equals("add-columns");
    if (addColumns && r.string("mapping.mode").equals("raw")) {
      r.problem(
          "schema.evolution",
          "raw mode keeps the whole payload in one column, so no field becomes a column:"
              + " use mapping.mode typed, or schema.evolution none");
    }
    return new DcpConfig.Table(
        id,
        schema,
        create,
        new TableOptions(partitioning, partitionColumn, clustering),
        addMissingColumns,
        route,
        r.positiveInt("table.routeMaxTables"),
        schemas,
        addColumns);
  }

  private static MappingConfig mapping(Reader r) {
    MappingMode mode =
        MappingMode.valueOf(r.choice("mapping.mode", "typed", "raw").toUpperCase(Locale.ROOT));
    UnknownFields unknown =
        UnknownFields.valueOf(
            r.choice("mapping.unknownFields", "ignore", "reject", "keep").toUpperCase(Locale.ROOT));
    MappingConfig base =
        mode == MappingMode.RAW
            ? MappingConfig.raw(
                r.string("mapping.payloadColumn"), r.string("mapping.arrivalColumn"))
            : MappingConfig.typed();
    MappingConfig config =
        base.withUnknownFields(unknown)
            .withKeepColumn(r.string("mapping.keepColumn"))
            .withExplodeArrays(r.bool("mapping.explodeArrays"));
    int maxPayload = r.positiveInt("mapping.maxPayloadBytes");
    int maxDepth = r.positiveInt("mapping.maxDepth");
    if (maxDepth > MappingConfig.MAX_DEPTH) {
      r.problem(
          "mapping.maxDepth",
          maxDepth
              + " is over "
              + MappingConfig.MAX_DEPTH
              + ", the deepest JSON Jackson reads and writes (its StreamReadConstraints and"
              + " StreamWriteConstraints nesting limit)");
      maxDepth = MappingConfig.MAX_DEPTH;
    }
    if (maxPayload > 0 && maxDepth > 0) {
      config = config.withMaxPayloadBytes(maxPayload).withMaxDepth(maxDepth);
    }
    JsonNode columns = r.node(OPEN_MAP);
    if (columns != null && !columns.isObject()) {
      r.problem(OPEN_MAP, "expected a mapping of column: source");
    } else if (columns != null) {
      Iterator<Map.Entry<String, JsonNode>> it = columns.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        try {
          config = config.withColumn(e.getKey(), ColumnSource.parse(e.getValue().asText()));
        } catch (IllegalArgumentException ex) {
          r.problem(OPEN_MAP + "." + e.getKey(), ex.getMessage());
        }
      }
    }
    return config;
  }

  private static PipelineSettings pipeline(Reader r) {
    int problemsBefore = r.problemCount();
    Duration latency = r.duration("pipeline.maxBatchLatency");
    if (!r.hasProblem("pipeline.maxBatchLatency") && (latency.isZero() || latency.isNegative())) {
      r.problem(
          "pipeline.maxBatchLatency",
          "'" + r.string("pipeline.maxBatchLatency") + "' must be longer than 0");
    }
    Duration drain = r.duration("pipeline.drainTimeout");
    if (!r.hasProblem("pipeline.drainTimeout") && drain.isNegative()) {
      r.problem(
          "pipeline.drainTimeout",
          "'" + r.string("pipeline.drainTimeout") + "' must not be negative");
    }
    Duration initial = r.duration("pipeline.retry.initialBackoff");
    Duration max = r.duration("pipeline.retry.maxBackoff");
    if (!r.hasProblem("pipeline.retry.initialBackoff") && initial.isNegative()) {
      r.problem(
          "pipeline.retry.initialBackoff",
          "'" + r.string("pipeline.retry.initialBackoff") + "' must not be negative");
    } else if (!r.hasProblem("pipeline.retry.initialBackoff")
        && !r.hasProblem("pipeline.retry.maxBackoff")
        && max.compareTo(initial) < 0) {
      r.problem(
          "pipeline.retry.maxBackoff",
          "'"
              + r.string("pipeline.retry.maxBackoff")
              + "' is shorter than pipeline.retry.initialBackoff ('"
              + r.string("pipeline.retry.initialBackoff")
              + "')");
    }
    double multiplier = r.number("pipeline.retry.multiplier");
    if (!r.hasProblem("pipeline.retry.multiplier") && !(multiplier >= 1.0)) {
      r.problem(
          "pipeline.retry.multiplier",
          "'" + r.string("pipeline.retry.multiplier") + "' must be at least 1");
    }
    double jitter = r.number("pipeline.retry.jitter");
    if (!r.hasProblem("pipeline.retry.jitter") && !(jitter >= 0.0 && jitter <= 1.0)) {
      r.problem(
          "pipeline.retry.jitter",
          "'" + r.string("pipeline.retry.jitter") + "' must be between 0 and 1");
    }
    int maxBatchRows = r.positiveInt("pipeline.maxBatchRows");
    long maxBatchBytes = r.positiveLong("pipeline.maxBatchBytes");
    int maxInFlightMessages = r.positiveInt("pipeline.maxInFlightMessages");
    long maxInFlightBytes = r.positiveLong("pipeline.maxInFlightBytes");
    int writeThreads = r.positiveInt("pipeline.writeThreads");
    int maxAttempts = r.positiveInt("pipeline.retry.maxAttempts");
    int dedupWindowSize = r.positiveOrZeroInt("pipeline.dedupWindowSize");
    if (r.problemCount() > problemsBefore) {
      return PipelineSettings.defaults();
    }
    try {
      return new PipelineSettings(
          maxBatchRows,
          maxBatchBytes,
          latency,
          maxInFlightMessages,
          maxInFlightBytes,
          writeThreads,
          new RetryPolicy(initial, max, multiplier, jitter, maxAttempts),
          drain,
          dedupWindowSize);
    } catch (IllegalArgumentException e) {
      // Every rule of the settings is checked above under its key; this is the last word.
      r.problem("pipeline", e.getMessage());
      return PipelineSettings.defaults();
    }
  }

  /**
   * Reports every key a YAML mapping repeats: YAML readers keep the last value silently, so a
   * repeated {@code table:} section would drop the first without a word.
   */
  private static void duplicateKeys(byte[] yaml, List<ConfigProblem> problems) {
    try (JsonParser p = YAML.getFactory().createParser(yaml)) {
      java.util.Deque<Set<String>> open = new java.util.ArrayDeque<>();
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.START_OBJECT) {
          open.push(new java.util.HashSet<>());
        } else if (t == JsonToken.END_OBJECT) {
          open.pop();
        } else if (t == JsonToken.FIELD_NAME && !open.peek().add(p.currentName())) {
          String key = p.getParsingContext().pathAsPointer().toString().substring(1);
          problems.add(
              new ConfigProblem(
                  key.replace('/', '.'),
                  "duplicate key at line "
                      + p.currentTokenLocation().getLineNr()
                      + ": YAML keeps only the last value; remove one"));
        }
      }
    } catch (IOException e) {
      // Not YAML: reading the tree reports it.
    }
  }

  private static void merge(
      ObjectNode into,
      ObjectNode from,
      JsonNode defaults,
      String parent,
      List<ConfigProblem> problems) {
    Iterator<Map.Entry<String, JsonNode>> it = from.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = parent.isEmpty() ? e.getKey() : parent + "." + e.getKey();
      JsonNode known = defaults.get(e.getKey());
      if (known == null) {
        List<String> siblings = new ArrayList<>();
        defaults.fieldNames().forEachRemaining(siblings::add);
        problems.add(new ConfigProblem(key, "unknown key" + suggestion(e.getKey(), siblings)));
        continue;
      }
      if (known.isObject() && !OPEN_MAPS.contains(key)) {
        if (!e.getValue().isObject()) {
          problems.add(new ConfigProblem(key, "expected a section (a YAML mapping)"));
          continue;
        }
        merge((ObjectNode) into.get(e.getKey()), (ObjectNode) e.getValue(), known, key, problems);
      } else {
        into.set(e.getKey(), e.getValue());
      }
    }
  }

  private static void set(ObjectNode tree, String key, String value) {
    String[] parts = key.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (!(child instanceof ObjectNode)) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    JsonNode current = node.get(parts[parts.length - 1]);
    if (current != null && current.isArray()) {
      var array = JsonNodeFactory.instance.arrayNode();
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          array.add(item.trim());
        }
      }
      node.set(parts[parts.length - 1], array);
    } else {
      node.put(parts[parts.length - 1], value);
    }
  }

  private static String suggestion(String key, Iterable<String> candidates) {
    String leaf = key.substring(key.lastIndexOf('.') + 1);
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : candidates) {
      String candidateLeaf = candidate.substring(candidate.lastIndexOf('.') + 1);
      int d = distance(leaf.toLowerCase(Locale.ROOT), candidateLeaf.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        bestDistance = d;
        best = candidate;
      }
    }
    return best != null && bestDistance <= Math.max(2, leaf.length() / 3)
        ? "; did you mean '" + best + "'?"
        : "";
  }

  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] =
            Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static void leaves(JsonNode node, String parent, Map<String, String> out) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = parent.isEmpty() ? e.getKey() : parent + "." + e.getKey();
      if (e.getValue().isObject() && !OPEN_MAPS.contains(key)) {
        leaves(e.getValue(), key, out);
      } else {
        out.put(key, e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
      }
    }
  }

  private static JsonNode readDefaults() {
    try (InputStream in = ConfigLoader.class.getResourceAsStream("defaults.yaml")) {
      return YAML.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("the built-in defaults are unreadable", e);
    }
  }

  private static String firstLine(String text) {
    int newline = text == null ? -1 : text.indexOf('\n');
    return newline < 0 ? String.valueOf(text) : text.substring(0, newline);
  }

  /** Typed reads of the merged tree that record a problem instead of failing. */
  private static final class Reader {
    private final ObjectNode tree;
    private final List<ConfigProblem> problems;

    private final boolean emulatorHost;

    Reader(ObjectNode tree, List<ConfigProblem> problems, boolean emulatorHost) {
      this.tree = tree;
      this.problems = problems;
      this.emulatorHost = emulatorHost;
    }

    /** Whether Pub/Sub calls go to an emulator: {@code endpointKey} or PUBSUB_EMULATOR_HOST set. */
    boolean emulated(String endpointKey) {
      return emulatorHost || !string(endpointKey).isBlank();
    }

    void problem(String key, String message) {
      problems.add(new ConfigProblem(key, message));
    }

    int problemCount() {
      return problems.size();
    }

    boolean hasProblem(String key) {
      return problems.stream().anyMatch(p -> p.key().equals(key));
    }

    JsonNode node(String key) {
      JsonNode node = tree;
      for (String part : key.split("\\.")) {
        node = node == null ? null : node.get(part);
      }
      return node;
    }

    String string(String key) {
      JsonNode node = node(key);
      if (node == null || node.isNull()) {
        return "";
      }
      if (!node.isValueNode()) {
        problem(key, "expected a single value");
        return "";
      }
      return node.asText();
    }

    String choice(String key, String... allowed) {
      String value = string(key).toLowerCase(Locale.ROOT);
      if (!Set.of(allowed).contains(value)) {
        problem(key, "'" + value + "' is not one of " + String.join(", ", allowed));
        return allowed[0];
      }
      return value;
    }

    List<String> strings(String key) {
      JsonNode node = node(key);
      List<String> out = new ArrayList<>();
      if (node == null || node.isNull()) {
        return out;
      }
      if (node.isArray()) {
        node.forEach(item -> out.add(item.asText()));
      } else if (node.isValueNode() && !node.asText().isBlank()) {
        out.add(node.asText());
      }
      return out;
    }

    boolean bool(String key) {
      String text = string(key).toLowerCase(Locale.ROOT);
      if (!text.equals("true") && !text.equals("false")) {
        problem(key, "'" + text + "' is not true or false");
        return false;
      }
      return Boolean.parseBoolean(text);
    }

    long positiveLong(String key) {
      try {
        long value = Long.parseLong(string(key).replace("_", "").trim());
        if (value > 0) {
          return value;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      problem(key, "'" + string(key) + "' is not a whole number greater than 0");
      return 1;
    }

    int positiveInt(String key) {
      long value = positiveLong(key);
      if (value > Integer.MAX_VALUE) {
        problem(key, value + " is too large (at most " + Integer.MAX_VALUE + ")");
        return 1;
      }
      return (int) value;
    }

    int positiveOrZeroInt(String key) {
      return string(key).trim().equals("0") ? 0 : positiveInt(key);
    }

    int port(String key) {
      int port = positiveInt(key);
      if (port > 65535) {
        problem(key, port + " is not a TCP port (1-65535)");
      }
      return port;
    }

    double number(String key) {
      try {
        return Double.parseDouble(string(key));
      } catch (NumberFormatException e) {
        problem(key, "'" + string(key) + "' is not a number");
        return 1.0;
      }
    }

    Duration duration(String key) {
      String text = string(key).trim().toLowerCase(Locale.ROOT);
      try {
        if (text.startsWith("pt")) {
          return Duration.parse(text.toUpperCase(Locale.ROOT));
        }
        if (text.endsWith("ms")) {
          return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).trim()));
        }
        long amount = Long.parseLong(text.substring(0, text.length() - 1).trim());
        switch (text.charAt(text.length() - 1)) {
          case 's':
            return Duration.ofSeconds(amount);
          case 'm':
            return Duration.ofMinutes(amount);
          case 'h':
            return Duration.ofHours(amount);
          default:
            break;
        }
      } catch (RuntimeException e) {
        // reported below
      }
      problem(key, "'" + string(key) + "' is not a duration such as 200ms, 30s, 5m or 1h");
      return Duration.ofSeconds(1);
    }

    /** Checks a full Pub/Sub name: {@code projects/P/<kind>/NAME} with Pub/Sub's naming rules. */
    /**
     * Checks a full Pub/Sub name; with an endpoint (the key's, or {@code PUBSUB_EMULATOR_HOST}) any
     * project id the emulator takes ({@code local}) passes.
     */
    void pubsubName(String key, String kind, String endpointKey) {
      String name = string(key);
      String example = "projects/PROJECT/" + kind + "/NAME";
      if (name.isEmpty()) {
        problem(key, "required: the full name, " + example);
        return;
      }
      String[] parts = name.split("/", -1);
      if (parts.length != 4 || !parts[0].equals("projects") || !parts[2].equals(kind)) {
        problem(key, "'" + name + "' is not a full name: write " + example);
      } else if (!PUBSUB_PROJECT.matcher(parts[1]).matches() && !emulated(endpointKey)) {
        problem(
            key,
            "'"
                + parts[1]
                + "' is not a Google Cloud project id (any id works with an emulator: set "
                + endpointKey
                + " or PUBSUB_EMULATOR_HOST)");
      } else if (parts[1].isEmpty()) {
        problem(key, "'" + name + "' has no project id");
      } else if (!PUBSUB_RESOURCE.matcher(parts[3]).matches()) {
        problem(
            key,
            "'"
                + parts[3]
                + "' breaks Pub/Sub's naming rules: 3 to 255 characters from letters, digits"
                + " and - _ . ~ + %, starting with a letter and not with goog");
      }
    }

    void tableId(String key, String text) {
      try {
        TableId.parse(text);
      } catch (IllegalArgumentException e) {
        problem(key, e.getMessage());
      }
    }
  }
}

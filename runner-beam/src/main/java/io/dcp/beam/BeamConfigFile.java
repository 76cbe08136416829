package io.dcp.beam;

import io.dcp.adapters.bigquery.BigQuerySinkSection;
import io.dcp.adapters.bigquery.BigQueryWarehouseSettings;
import io.dcp.adapters.javascript.JavaScriptTransformSection;
import io.dcp.adapters.javascript.JavaScriptTransformSettings;
import io.dcp.adapters.pubsub.PubSubDeadLetterSection;
import io.dcp.adapters.pubsub.PubSubSourceSection;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.config.ConfigProblem;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.config.DeadLetterType;
import io.dcp.core.config.SinkType;
import io.dcp.core.model.TableId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.beam.sdk.extensions.gcp.options.GcpOptions;

/**
 * The dcp YAML config of {@code --configFile}, read by core's {@link ConfigLoader} as {@code dcp
 * run} reads it (no {@code DCP_} variables: the file alone), and turned into the job's options:
 * {@code table.id} is {@code --outputTable}, {@code table.schema} is {@code --schemaFile}, {@code
 * deadLetter.table} is {@code --deadLetterTable}, {@code deadLetter.pubsub.topic} (type {@code
 * pubsub-topic}) is {@code --deadLetterTopic}, the {@code mapping} section is the mapping and the
 * {@code transform} section is the UDF ({@link TransformOptions}). An option given as well wins
 * over its key, as {@code --set} does for {@code dcp run}. A key the Beam job does not honour is a
 * problem naming it, all of them at once with the options' own.
 */
final class BeamConfigFile {
  /** Keys the job honours; any other key the file sets is refused by name. */
  private static final Set<String> HONOURED =
      Set.of(
          "table.id",
          "table.schema",
          "table.route",
          "table.routeMaxTables",
          "table.schemas",
          "deadLetter.type",
          "deadLetter.table",
          "deadLetter.pubsub.topic",
          "sink.type",
          "sink.bigquery.project",
          "schema.evolution",
          "transform.javascript.path",
          "transform.javascript.functionName",
          "transform.javascript.maxStatements",
          "transform.javascript.maxMillis",
          "transform.javascript.maxAllocatedBytes");

  /** Why a section the job does not honour is not, by the key's first part. */
  private static final Map<String, String> WHY =
      Map.of(
          "source",
          "the job reads --inputSubscription, --inputTopic or --inputFiles",
          "sink",
          "the job writes BigQuery with BigQueryIO (--writeMode) or NDJSON files",
          "pipeline",
          "Beam batches, bounds and retries the work itself (--triggeringFrequencySeconds,"
              + " --writeStreams)",
          "admin",
          "Dataflow has no admin server: its metrics are the job's",
          "metrics",
          "the job's metrics are Beam metrics, read in Dataflow's monitoring",
          "table",
          "the job creates no tables and alters them only under schema.evolution",
          "deadLetter",
          "the job publishes dead letters with PubsubIO's own client and batching",
          "schema",
          "the job reads schema.evolution only");

  private final String path;
  private final String yaml;
  private final Set<String> keys;
  private final DcpConfig config;
  private final List<String> problems;

  private BeamConfigFile(
      String path, String yaml, Set<String> keys, DcpConfig config, List<String> problems) {
    this.path = path;
    this.yaml = yaml;
    this.keys = keys;
    this.config = config;
    this.problems = problems;
  }

  /**
   * The routing of {@code table.route} and the evolution of {@code schema.evolution}, or null with
   * neither; each {@code table.schemas} file read through Beam's file systems. Call after {@link
   * #applyTo}, which sets the output table.
   */
  RouteSpec routes(DcpBeamOptions options) {
    if (config == null
        || (config.table().route().isEmpty() && !config.table().addColumns())
        || options.getOutputTable() == null) {
      return null;
    }
    Map<String, String> schemas = new java.util.TreeMap<>();
    for (Map.Entry<String, String> own : config.table().schemas().entrySet()) {
      schemas.put(own.getKey(), DcpBeamPipeline.readText(own.getValue()));
    }
    return new RouteSpec(
        config.table().route(),
        config.table().routeMaxTables(),
        TableId.parse(options.getOutputTable()).toString(),
        schemas,
        config.table().addColumns());
  }

  /** The file's path, as given to {@code --configFile}. */
  String path() {
    return path;
  }

  /** Whether the file sets any {@code transform} key. */
  boolean setsTransform() {
    return keys.stream().anyMatch(key -> key.startsWith("transform."));
  }

  /**
   * The {@code transform.javascript} section (empty without a script), or null when the loader
   * refused the file.
   */
  Optional<JavaScriptTransformSettings> transform() {
    return config == null ? null : config.section(JavaScriptTransformSection.INSTANCE);
  }

  /** The YAML text, for the mapping section. */
  String yaml() {
    return yaml;
  }

  /**
   * Reads {@code path} (a local path or gs://, through Beam's file systems) with core's loader, the
   * options given overriding their keys as {@code --set} does for {@code dcp run}. The loader reads
   * a local file, so the text is copied to one first.
   */
  static BeamConfigFile read(String path, DcpBeamOptions options) {
    String yaml = DcpBeamPipeline.readText(path);
    Path local;
    try {
      local = Files.createTempFile("dcp-beam-config", ".yaml");
      Files.writeString(local, yaml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + path + " to a local file", e);
    }
    try {
      List<String> problems = new ArrayList<>();
      Set<String> keys;
      try {
        keys = ConfigLoader.keysIn(local);
      } catch (ConfigException e) {
        throw new IllegalArgumentException("--configFile " + path + ": " + e.getMessage(), e);
      }
      for (String key : keys) {
        if (!HONOURED.contains(key) && !key.startsWith("mapping.")) {
          int dot = key.indexOf('.');
          String section = dot < 0 ? key : key.substring(0, dot);
          problems.add(
              "--configFile "
                  + path
                  + ": "
                  + key
                  + " is read by dcp run only, not by the Beam job ("
                  + WHY.getOrDefault(section, "the job does not read it")
                  + "): remove it from the file the job reads");
        }
      }
      DcpConfig config = null;
      try {
        config =
            new ConfigLoader(
                    Map.of(),
                    List.of(
                        PubSubSourceSection.INSTANCE,
                        PubSubDeadLetterSection.INSTANCE,
                        BigQuerySinkSection.INSTANCE,
                        JavaScriptTransformSection.INSTANCE))
                .load(local, overrides(options, keys));
      } catch (ConfigException e) {
        for (ConfigProblem problem : e.problems()) {
          problems.add("--configFile " + path + ": " + problem);
        }
      }
      return new BeamConfigFile(path, yaml, keys, config, problems);
    } finally {
      try {
        Files.deleteIfExists(local);
      } catch (IOException e) {
        // A temporary file left behind is harmless.
      }
    }
  }

  /**
   * The options that replace keys, as the loader's overrides: an option wins over its key. In local
   * mode no table is written, so a file without {@code table.id} names a placeholder. The job's
   * input is its options, never the file's {@code source} (refused by name if set), so the loader
   * is given standard input as its source, which needs no other key.
   */
  private static List<String> overrides(DcpBeamOptions options, Set<String> keys) {
    List<String> sets = new ArrayList<>();
    sets.add("source.type=ndjson");
    sets.add("source.ndjson.paths=-");
    if (options.getOutputTable() != null) {
      sets.add("table.id=" + options.getOutputTable());
    } else if (options.getOutputDirectory() != null && !keys.contains("table.id")) {
      sets.add("table.id=rows");
    }
    if (options.getSchemaFile() != null) {
      sets.add("table.schema=" + options.getSchemaFile());
    } else if (Boolean.TRUE.equals(options.getSchemaFromTable())) {
      sets.add("table.schema=--schemaFromTable");
    }
    if (options.getDeadLetterTable() != null) {
      sets.add("deadLetter.type=table");
      sets.add("deadLetter.table=" + options.getDeadLetterTable());
    } else if (options.getDeadLetterTopic() != null) {
      sets.add("deadLetter.type=pubsub-topic");
      sets.add("deadLetter.pubsub.topic=" + options.getDeadLetterTopic());
    } else if (options.getOutputDirectory() != null) {
      sets.add("deadLetter.type=table");
      sets.add("deadLetter.table=dead_letters");
    }
    return sets;
  }

  /**
   * Sets each option the file sets and the command line does not, and returns the problems: the
   * keys the job does not honour and the keys whose values it cannot use.
   */
  List<String> applyTo(DcpBeamOptions options) {
    List<String> out = new ArrayList<>(problems);
    if (config == null) {
      // The loader refused the file; its problems are in the list, and nothing is applied.
      return out;
    }
    if (keys.contains("sink.type") && !(config.sink().kind() instanceof SinkType.BigQuery)) {
      out.add(
          "--configFile "
              + path
              + ": sink.type "
              + config.sink().type()
              + ": the Beam job writes BigQuery (or NDJSON files in local mode); use bigquery");
    }
    boolean local = options.getOutputDirectory() != null;
    if (local && config.table().addColumns()) {
      out.add(
          "--configFile "
              + path
              + ": schema.evolution add-columns applies to BigQuery output (--outputTable), not"
              + " to local mode");
    }
    if (local && !config.table().route().isEmpty()) {
      out.add(
          "--configFile "
              + path
              + ": table.route applies to BigQuery output (--outputTable), not to local mode");
    }
    String project = projectOf(options);
    if (!local && options.getOutputTable() == null && keys.contains("table.id")) {
      String table = bigQueryTable("table.id", config.table().id(), project, out);
      if (table != null) {
        options.setOutputTable(table);
      }
    }
    if (!local && options.getDeadLetterTable() == null && options.getDeadLetterTopic() == null) {
      if (config.deadLetter().kind() instanceof DeadLetterType.PubSubTopic) {
        options.setDeadLetterTopic(
            config.section(PubSubDeadLetterSection.INSTANCE).orElseThrow().topic());
      } else {
        String table = bigQueryTable("deadLetter.table", config.deadLetter().table(), project, out);
        if (table != null) {
          options.setDeadLetterTable(table);
        }
      }
    }
    if (options.getSchemaFile() == null
        && !Boolean.TRUE.equals(options.getSchemaFromTable())
        && !config.table().schema().isEmpty()) {
      options.setSchemaFile(config.table().schema());
    }
    return out;
  }

  /** The project a dataset.table takes: {@code sink.bigquery.project}, else {@code --project}. */
  private String projectOf(DcpBeamOptions options) {
    Optional<BigQueryWarehouseSettings> sink =
        config == null ? Optional.empty() : config.section(BigQuerySinkSection.INSTANCE);
    if (sink.isPresent() && !sink.get().project().isEmpty()) {
      return sink.get().project();
    }
    return options.as(GcpOptions.class).getProject();
  }

  /**
   * {@code id} as BigQueryIO's PROJECT:DATASET.TABLE, or null with a problem naming {@code key}.
   */
  private String bigQueryTable(String key, String id, String project, List<String> out) {
    TableId table = TableId.parse(id);
    if (table.isLocal()) {
      out.add(
          "--configFile "
              + path
              + ": "
              + key
              + " '"
              + id
              + "' needs a dataset for BigQuery: dataset.table or project.dataset.table");
      return null;
    }
    String tableProject = table.project().isEmpty() ? project : table.project();
    if (tableProject == null || tableProject.isEmpty()) {
      out.add(
          "--configFile "
              + path
              + ": "
              + key
              + " '"
              + id
              + "' has no project: write project.dataset.table, set sink.bigquery.project, or"
              + " pass --project");
      return null;
    }
    return tableProject + ":" + table.dataset() + "." + table.table();
  }
}

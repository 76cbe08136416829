package io.dcp.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
  private static final ObjectMapper YAML = ConfigTree.YAML;
  private static final JsonNode DEFAULTS = readDefaults();

  /** {@code DCP_} variables that are no config key: the launcher's log level. */
  private static final Set<String> NOT_CONFIG_VARIABLES = Set.of("DCP_LOG_LEVEL");

  private final Map<String, String> environment;
  private final List<ConfigSection<?>> sections;

  /**
   * A loader of core's sections, reading overrides from {@code environment} (normally {@code
   * System.getenv()}). The keys of sections other modules own are still known and merged, but not
   * read: see {@link #ConfigLoader(Map, List)}.
   */
  public ConfigLoader(Map<String, String> environment) {
    this(environment, List.of());
  }

  /**
   * A loader that also reads {@code sections}, owned by other modules: their problems come in the
   * same report as core's, and {@link DcpConfig#section} gives their values.
   *
   * @throws IllegalArgumentException if a section's prefix is no section of {@code defaults.yaml}
   */
  public ConfigLoader(Map<String, String> environment, List<ConfigSection<?>> sections) {
    this.environment = Map.copyOf(environment);
    this.sections = List.copyOf(sections);
    for (ConfigSection<?> section : this.sections) {
      JsonNode node = DEFAULTS;
      for (String part : section.prefix().split("\\.")) {
        node = node.path(part);
      }
      if (!node.isObject()) {
        throw new IllegalArgumentException(
            "no section " + section.prefix() + " in defaults.yaml: write its keys there first");
      }
    }
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
    ConfigTree.leaves(DEFAULTS, "", keys);
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
    TableSchema schema = SchemaFiles.read(config, problems);
    throwIfAny(problems);
    return new CheckedConfig(config, schema);
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
        ConfigTree.duplicateKeys(yaml, problems);
        JsonNode fromFile = YAML.readTree(yaml);
        if (fromFile != null && !fromFile.isMissingNode() && !fromFile.isNull()) {
          if (!fromFile.isObject()) {
            problems.add(new ConfigProblem("", file + " must hold a YAML mapping of sections"));
          } else {
            ConfigTree.merge(tree, (ObjectNode) fromFile, DEFAULTS, "", problems);
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
        ConfigTree.set(tree, key, value);
      }
    }
    for (String variable : new java.util.TreeSet<>(environment.keySet())) {
      if (variable.startsWith("DCP_")
          && !variables.contains(variable)
          && !NOT_CONFIG_VARIABLES.contains(variable)) {
        problems.add(
            new ConfigProblem(
                variable,
                "unknown environment variable" + DidYouMean.suggestion(variable, variables)));
      }
    }
    for (String assignment : sets) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        problems.add(new ConfigProblem("", "--set '" + assignment + "' is not key=value"));
        continue;
      }
      String key = assignment.substring(0, eq).trim();
      if (!known.containsKey(key) && !ConfigTree.isOpenMapEntry(key)) {
        problems.add(
            new ConfigProblem(key, "unknown key" + DidYouMean.suggestion(key, known.keySet())));
        continue;
      }
      ConfigTree.set(tree, key, assignment.substring(eq + 1));
    }
    return bind(new ConfigReader(tree, problems, environment));
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
      ConfigTree.duplicateKeys(yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8), problems);
      JsonNode fromFile = YAML.readTree(yaml);
      JsonNode mapping = fromFile == null ? null : fromFile.get("mapping");
      if (mapping != null && !mapping.isNull()) {
        if (!mapping.isObject()) {
          problems.add(new ConfigProblem("mapping", "expected a section (a YAML mapping)"));
        } else {
          ConfigTree.merge(
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
    MappingConfig config = MappingSection.read(new ConfigReader(tree, problems, Map.of()));
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
      ConfigTree.leaves(tree, "", keys);
    }
    return keys.keySet();
  }

  private DcpConfig bind(ConfigReader r) {
    DcpConfig.Source source = SourceSection.read(r);
    DcpConfig.Sink sink = SinkSection.read(r);
    DcpConfig.DeadLetter deadLetter = DeadLetterSection.read(r, sink);
    DcpConfig.Table table = TableSection.read(r);
    DcpConfig.Admin admin =
        new DcpConfig.Admin(r.bool("admin.enabled"), r.string("admin.host"), r.port("admin.port"));
    DcpConfig core =
        new DcpConfig(
            source,
            sink,
            deadLetter,
            table,
            MappingSection.read(r),
            PipelineSection.read(r),
            admin,
            MetricsSection.read(r),
            Map.of());
    return core.withSections(owned(r, core));
  }

  /** Reads the sections other modules own, after core's, into one map by section. */
  private Map<ConfigSection<?>, Object> owned(ConfigReader r, DcpConfig core) {
    Map<ConfigSection<?>, Object> values = new java.util.HashMap<>();
    for (ConfigSection<?> section : sections) {
      SectionReader reader = new SectionReader(r, section.prefix(), core);
      values.put(section, java.util.Objects.requireNonNull(section.read(reader), section.prefix()));
    }
    return values;
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
}

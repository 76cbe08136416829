package io.dcp.core.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads configs in tests, as a command does: a YAML file (written to a folder) and {@code --set}
 * flags, read with the sections a module owns beside core's; gives the config, or its problems as
 * the lines the loader prints ({@code key: message}), in the loader's order.
 */
public final class ConfigLoads {
  /** The smallest config file that loads: an NDJSON file into table {@code quotes}. */
  public static final String MINIMAL =
      """
      source:
        ndjson:
          paths: [events.ndjson]
      table:
        id: quotes
        schema: schema.json
      """;

  private final Path dir;
  private final List<ConfigSection<?>> sections;
  private final Map<String, String> environment;

  private ConfigLoads(Path dir, List<ConfigSection<?>> sections, Map<String, String> environment) {
    this.dir = dir;
    this.sections = List.copyOf(sections);
    this.environment = Map.copyOf(environment);
  }

  /** Loads with {@code sections}; YAML files go into {@code dir}, a test's temporary folder. */
  public static ConfigLoads with(Path dir, ConfigSection<?>... sections) {
    return new ConfigLoads(dir, List.of(sections), Map.of());
  }

  /** These loads with {@code environment} as the process's variables. */
  public ConfigLoads environment(Map<String, String> environment) {
    return new ConfigLoads(dir, sections, environment);
  }

  /** The loader these loads use. */
  public ConfigLoader loader() {
    return new ConfigLoader(environment, sections);
  }

  /** Writes {@code yaml} to {@code dcp.yaml} in the folder and returns its path. */
  public Path file(String yaml) {
    try {
      return Files.writeString(dir.resolve("dcp.yaml"), yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads {@code yaml} (null: no file) with the flags {@code sets}. */
  public DcpConfig load(String yaml, String... sets) throws ConfigException {
    return loader().load(yaml == null ? null : file(yaml), List.of(sets));
  }

  /**
   * The problems of loading {@code yaml} (null: no file) with {@code sets}, as printed; none if it
   * loads.
   */
  public List<String> problems(String yaml, String... sets) {
    try {
      load(yaml, sets);
    } catch (ConfigException e) {
      return e.problems().stream().map(ConfigProblem::toString).toList();
    }
    return List.of();
  }
}

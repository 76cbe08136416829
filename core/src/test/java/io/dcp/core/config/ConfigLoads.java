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
  /**
   * {@link #MINIMAL} without {@code table.id}, ending inside the {@code table} section, so that a
   * test adds the id (and more keys of the section) it needs: {@code OPEN_TABLE + " id: t\n"}.
   */
  public static final String OPEN_TABLE =
      """
      source:
        ndjson:
          paths: [events.ndjson]
      table:
        schema: schema.json
      """;

  /** The smallest config file that loads: an NDJSON file into table {@code quotes}. */
  public static final String MINIMAL = OPEN_TABLE + "  id: quotes\n";

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

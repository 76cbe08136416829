package io.dcp.runner.standalone;

import io.dcp.core.config.CheckedConfig;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that reads a config shares. */
final class ConfigOptions {
  @Option(
      names = {"-c", "--config"},
      required = true,
      description = "The YAML config file.")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one config key, e.g. --set pipeline.maxBatchRows=1000.")
  List<String> sets = new ArrayList<>();

  /**
   * Loads the config with its schema files, checking the mapping against them, or prints every
   * problem of all three to {@code err} and returns null.
   */
  CheckedConfig loadWithSchemas(PrintWriter err) {
    try {
      return new ConfigLoader(System.getenv(), AdapterSections.ALL).loadWithSchemas(config, sets);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.flush();
      return null;
    }
  }
}

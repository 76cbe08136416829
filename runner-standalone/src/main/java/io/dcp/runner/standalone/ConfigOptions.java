package io.dcp.runner.standalone;

import io.dcp.adapters.pubsub.PubSubDeadLetterSection;
import io.dcp.adapters.pubsub.PubSubSourceSection;
import io.dcp.core.config.CheckedConfig;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.config.ConfigSection;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** The options every command that reads a config shares. */
final class ConfigOptions {
  /** The sections the adapters own, read with core's: their problems come in the same report. */
  static final List<ConfigSection<?>> ADAPTER_SECTIONS =
      List.of(PubSubSourceSection.INSTANCE, PubSubDeadLetterSection.INSTANCE);

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
      return new ConfigLoader(System.getenv(), ADAPTER_SECTIONS).loadWithSchemas(config, sets);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.flush();
      return null;
    }
  }
}

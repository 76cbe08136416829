package io.dcp.core.config;

import static java.util.Objects.requireNonNull;

import io.dcp.core.schema.TableSchema;

/**
 * A configuration checked together with the schema file it names: what {@link
 * ConfigLoader#loadWithSchemas} returns once the config, every schema file and the mapping's fit to
 * them have no problem left.
 *
 * @param config the configuration
 * @param schema the table schema read from {@code table.schema}
 */
public record CheckedConfig(DcpConfig config, TableSchema schema) {
  public CheckedConfig {
    requireNonNull(config, "config");
    requireNonNull(schema, "schema");
  }
}

package io.dcp.adapters.duckdb;

import static java.util.Objects.requireNonNull;

/**
 * Settings of a {@link DuckDbWarehouse}, the {@code sink.duckdb} section.
 *
 * @param path the DuckDB file, created if missing; {@code :memory:} for a database in memory
 */
public record DuckDbSinkSettings(String path) {
  public DuckDbSinkSettings {
    requireNonNull(path, "path");
  }
}

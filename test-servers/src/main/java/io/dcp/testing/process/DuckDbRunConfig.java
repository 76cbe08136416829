package io.dcp.testing.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A dcp config writing table {@code quotes} of a DuckDB file, dead letters in {@code dead_letters},
 * admin off unless asked: the set-up of the process tests and benchmarks that run {@code dcp.jar}
 * into DuckDB. {@code source} is the whole {@code source:} section; {@code mappingOptions} and
 * {@code columns} go under {@code mapping:}; {@code sections} (a {@code pipeline:} section, say)
 * after the rest.
 */
public record DuckDbRunConfig(
    String source,
    Path database,
    Path schema,
    String mappingOptions,
    String columns,
    int adminPort,
    String sections) {
  public DuckDbRunConfig {
    requireNonNull(source, "source");
    requireNonNull(database, "database");
    requireNonNull(schema, "schema");
    requireNonNull(mappingOptions, "mappingOptions");
    requireNonNull(columns, "columns");
    requireNonNull(sections, "sections");
  }

  /** Reads the NDJSON file {@code input} into {@code database}, rows shaped by {@code schema}. */
  public static DuckDbRunConfig fromFile(Path input, Path database, Path schema) {
    return of(
        """
        source:
          type: ndjson
          ndjson:
            paths: [%s]
        """
            .formatted(input.toAbsolutePath()),
        database,
        schema);
  }

  /** Takes Pub/Sub REST publish requests on loopback {@code port} into {@code database}. */
  public static DuckDbRunConfig fromHttp(int port, Path database, Path schema) {
    return of(
        """
        source:
          type: http
          http:
            port: %d
        """
            .formatted(port),
        database,
        schema);
  }

  private static DuckDbRunConfig of(String source, Path database, Path schema) {
    return new DuckDbRunConfig(source, database, schema, "", "", 0, "");
  }

  /** Adds a {@code mapping:} key: {@code "maxPayloadBytes: 200000000"}. */
  public DuckDbRunConfig withMappingOption(String keyAndValue) {
    return new DuckDbRunConfig(
        source,
        database,
        schema,
        mappingOptions + "  " + keyAndValue + "\n",
        columns,
        adminPort,
        sections);
  }

  /** Adds a mapped column: {@code withColumn("message_id", "metadata:message_id")}. */
  public DuckDbRunConfig withColumn(String name, String from) {
    return new DuckDbRunConfig(
        source,
        database,
        schema,
        mappingOptions,
        columns + "    " + name + ": " + from + "\n",
        adminPort,
        sections);
  }

  /** Turns the admin HTTP server on, on {@code port}. */
  public DuckDbRunConfig withAdminPort(int port) {
    return new DuckDbRunConfig(source, database, schema, mappingOptions, columns, port, sections);
  }

  /** Appends whole top-level sections, in YAML. */
  public DuckDbRunConfig withSections(String yaml) {
    return new DuckDbRunConfig(
        source, database, schema, mappingOptions, columns, adminPort, sections + yaml);
  }

  /** Writes the config as {@code dir/dcp.yaml} and returns its path. */
  public Path writeTo(Path dir) throws IOException {
    return write(dir.resolve("dcp.yaml"));
  }

  /** Writes the config as {@code file} and returns its path. */
  public Path write(Path file) throws IOException {
    return Files.writeString(file, yaml());
  }

  /** The config's text. */
  public String yaml() {
    String mapping =
        mappingOptions.isEmpty() && columns.isEmpty()
            ? ""
            : "mapping:\n" + mappingOptions + (columns.isEmpty() ? "" : "  columns:\n" + columns);
    String admin =
        adminPort == 0
            ? "admin:\n  enabled: false\n"
            : "admin:\n  enabled: true\n  port: %d\n".formatted(adminPort);
    return source
        + """
        sink:
          type: duckdb
          duckdb:
            path: %s
        deadLetter:
          table: dead_letters
        table:
          id: quotes
          schema: %s
        """
            .formatted(database.toAbsolutePath(), schema.toAbsolutePath())
        + mapping
        + admin
        + sections;
  }
}

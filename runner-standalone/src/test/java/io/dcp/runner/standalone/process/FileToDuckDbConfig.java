package io.dcp.runner.standalone.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A dcp config reading NDJSON files into table {@code quotes} of a DuckDB file, with {@code
 * message_id} from the message's metadata, dead letters in {@code dead_letters} and admin off: the
 * set-up of the file-source process tests. {@code mappingOptions} go under {@code mapping:}, {@code
 * sections} (a {@code pipeline:} section, say) after the rest.
 */
public record FileToDuckDbConfig(
    Path input, Path database, Path schema, String mappingOptions, String sections) {
  public FileToDuckDbConfig {
    requireNonNull(input, "input");
    requireNonNull(database, "database");
    requireNonNull(schema, "schema");
    requireNonNull(mappingOptions, "mappingOptions");
    requireNonNull(sections, "sections");
  }

  /** Reads {@code input} into {@code database}, rows shaped by the BigQuery JSON {@code schema}. */
  public static FileToDuckDbConfig of(Path input, Path database, Path schema) {
    return new FileToDuckDbConfig(input, database, schema, "", "");
  }

  /** Adds a {@code mapping:} key: {@code "maxPayloadBytes: 200000000"}. */
  public FileToDuckDbConfig withMappingOption(String keyAndValue) {
    return new FileToDuckDbConfig(
        input, database, schema, mappingOptions + "  " + keyAndValue + "\n", sections);
  }

  /** Appends whole top-level sections, in YAML. */
  public FileToDuckDbConfig withSections(String yaml) {
    return new FileToDuckDbConfig(input, database, schema, mappingOptions, sections + yaml);
  }

  /** Writes the config as {@code dir/dcp.yaml} and returns its path. */
  public Path writeTo(Path dir) throws IOException {
    return Files.writeString(
        dir.resolve("dcp.yaml"),
        """
        source:
          type: ndjson
          ndjson:
            paths: [%s]
        sink:
          type: duckdb
          duckdb:
            path: %s
        deadLetter:
          table: dead_letters
        table:
          id: quotes
          schema: %s
        mapping:
          columns:
            message_id: metadata:message_id
        %sadmin:
          enabled: false
        """
                .formatted(input, database, schema, mappingOptions)
            + sections);
  }
}

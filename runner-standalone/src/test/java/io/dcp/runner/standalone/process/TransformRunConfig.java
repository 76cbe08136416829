package io.dcp.runner.standalone.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of a transform run in one folder: {@code in.ndjson} (the input), {@code schema.json}
 * (table {@code events}), {@code dcp.yaml} (NDJSON into {@code t.duckdb} through a JavaScript UDF
 * with a 10,000-statement budget, admin off).
 */
public final class TransformRunConfig {
  private TransformRunConfig() {}

  /**
   * Copies the UDF {@code name} of adapters-javascript's test corpus ({@code /udf/hostile.js},
   * {@code /udf/broken.js}) into {@code dir}, under its own name, and returns its path.
   */
  public static Path udf(Path dir, String name) throws IOException {
    try (InputStream script = TransformRunConfig.class.getResourceAsStream("/udf/" + name)) {
      if (script == null) {
        throw new IllegalArgumentException("no UDF " + name + " in adapters-javascript's tests");
      }
      Path file = dir.resolve(name);
      Files.copy(script, file);
      return file;
    }
  }

  /**
   * Writes the three files into {@code dir} and returns the config's path.
   *
   * @param javascriptOptions more {@code transform.javascript} keys: {@code "functionName:
   *     process"}
   */
  public static Path write(
      Path dir, String input, String schema, Path udf, String... javascriptOptions)
      throws IOException {
    Files.writeString(dir.resolve("in.ndjson"), input);
    Files.writeString(dir.resolve("schema.json"), schema);
    StringBuilder options = new StringBuilder();
    for (String option : javascriptOptions) {
      options.append("    ").append(option).append('\n');
    }
    return Files.writeString(
        dir.resolve("dcp.yaml"),
        """
        source:
          ndjson:
            paths: [%s]
        sink:
          duckdb:
            path: %s
        table:
          id: events
          schema: %s
        admin:
          enabled: false
        transform:
          javascript:
            path: %s
            maxStatements: 10000
        %s"""
            .formatted(
                dir.resolve("in.ndjson"),
                dir.resolve("t.duckdb"),
                dir.resolve("schema.json"),
                udf.toAbsolutePath(),
                options));
  }

  /** The DuckDB file the run in {@code dir} writes. */
  public static DuckDbFile database(Path dir) {
    return new DuckDbFile(dir.resolve("t.duckdb"));
  }
}

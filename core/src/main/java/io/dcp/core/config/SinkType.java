package io.dcp.core.config;

/** What {@code sink.type} names: the warehouse rows are written to. */
public sealed interface SinkType {
  /** A DuckDB file. */
  SinkType DUCKDB = new DuckDb();

  /** BigQuery, by the Storage Write API. */
  SinkType BIGQUERY = new BigQuery();

  /** The value of {@code sink.type} for this type. */
  String name();

  /** The type {@code name} (a value of {@code sink.type}) names. */
  static SinkType named(String name) {
    return switch (name) {
      case "duckdb" -> DUCKDB;
      case "bigquery" -> BIGQUERY;
      default -> throw new IllegalArgumentException("not a sink.type: " + name);
    };
  }

  /** {@code duckdb}. */
  record DuckDb() implements SinkType {
    @Override
    public String name() {
      return "duckdb";
    }
  }

  /** {@code bigquery}. */
  record BigQuery() implements SinkType {
    @Override
    public String name() {
      return "bigquery";
    }
  }
}

package io.dcp.core.config;

/**
 * Reads {@code sink.type}: the warehouse rows are written to. The {@code sink.duckdb} and {@code
 * sink.bigquery} keys belong to the sections of adapters-local and adapters-bigquery.
 */
final class SinkSection {
  private SinkSection() {}

  static DcpConfig.Sink read(ConfigReader r) {
    return new DcpConfig.Sink(SinkType.named(r.choice("sink.type", "duckdb", "bigquery")));
  }
}

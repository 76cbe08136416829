package io.dcp.core.config;

/** Reads the {@code sink} section: the warehouse rows are written to. */
final class SinkSection {
  private SinkSection() {}

  static DcpConfig.Sink read(ConfigReader r) {
    DcpConfig.Sink sink =
        new DcpConfig.Sink(
            SinkType.named(r.choice("sink.type", "duckdb", "bigquery")),
            r.string("sink.duckdb.path"),
            r.string("sink.bigquery.project"),
            r.string("sink.bigquery.endpoint"),
            r.string("sink.bigquery.restEndpoint"));
    if (sink.kind() instanceof SinkType.BigQuery && sink.bigqueryProject().isEmpty()) {
      r.problem("sink.bigquery.project", "required when sink.type is bigquery: the project id");
    }
    return sink;
  }
}

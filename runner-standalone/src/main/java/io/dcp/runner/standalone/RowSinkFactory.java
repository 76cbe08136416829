package io.dcp.runner.standalone;

import io.dcp.adapters.bigquery.StorageWriteRowSink;
import io.dcp.adapters.bigquery.StorageWriteSettings;
import io.dcp.adapters.duckdb.DuckDbRowSink;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;

/** Opens the row sink a config's {@code sink} section names, for {@code run} and {@code replay}. */
final class RowSinkFactory {
  private RowSinkFactory() {}

  /** Opens the sink: BigQuery through the Storage Write API, or a DuckDB file. */
  static RowSink open(DcpConfig config) throws SinkException {
    DcpConfig.Sink sink = config.sink();
    if (!sink.type().equals("bigquery")) {
      return DuckDbRowSink.open(sink.duckdbPath());
    }
    StorageWriteSettings settings = StorageWriteSettings.defaults(sink.bigqueryProject());
    return new StorageWriteRowSink(
        sink.bigqueryEndpoint().isEmpty()
            ? settings
            : settings.withEndpoint(sink.bigqueryEndpoint()));
  }
}

package io.dcp.runner.standalone;

import io.dcp.adapters.bigquery.BigQueryTableAdmin;
import io.dcp.adapters.bigquery.StorageWriteRowSink;
import io.dcp.adapters.bigquery.StorageWriteSettings;
import io.dcp.adapters.duckdb.DuckDbRowSink;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.TableSetup;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.schema.TableSchema;
import java.util.Optional;

/** Opens the row sink a config's {@code sink} section names, for {@code run} and {@code replay}. */
final class RowSinkFactory {
  private RowSinkFactory() {}

  /**
   * Opens the sink: BigQuery through the Storage Write API, or a DuckDB file.
   *
   * @param prepareTables for BigQuery, first create missing tables and add missing columns as the
   *     {@code table} section allows; false leaves the warehouse untouched (a dry run)
   */
  static RowSink open(DcpConfig config, TableSchema schema, boolean prepareTables)
      throws SinkException {
    DcpConfig.Sink sink = config.sink();
    if (!sink.type().equals("bigquery")) {
      return DuckDbRowSink.open(sink.duckdbPath());
    }
    if (prepareTables) {
      prepareBigQueryTables(config, schema);
    }
    StorageWriteSettings settings = StorageWriteSettings.defaults(sink.bigqueryProject());
    return new StorageWriteRowSink(
        sink.bigqueryEndpoint().isEmpty()
            ? settings
            : settings.withEndpoint(sink.bigqueryEndpoint()));
  }

  /** Creates missing tables and adds missing columns as the config allows, before any write. */
  private static void prepareBigQueryTables(DcpConfig config, TableSchema schema)
      throws SinkException {
    DcpConfig.Table table = config.table();
    TableSetup setup =
        new TableSetup(
            BigQueryTableAdmin.connect(
                config.sink().bigqueryProject(), config.sink().bigqueryRestEndpoint()),
            table.create(),
            table.options(),
            table.addMissingColumns());
    Optional<TableId> deadLetterTable =
        config.deadLetter().type().equals("table")
            ? Optional.of(TableId.parse(config.deadLetter().table()))
            : Optional.empty();
    // The table admin logs each change it makes.
    setup.prepare(TableId.parse(table.id()), schema, deadLetterTable);
  }
}

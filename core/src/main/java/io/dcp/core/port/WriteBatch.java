package io.dcp.core.port;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.TableSchema;
import java.util.List;

/**
 * Rows for one table, written together.
 *
 * <p>The pipeline puts every row of a message in the same batch. A sink that keeps a ledger of
 * committed messages (DuckDB, for resuming a file) records {@code messageIds} in the transaction
 * that commits their rows; other sinks ignore them.
 *
 * @param table the destination table
 * @param schema the schema the rows were mapped with
 * @param rows the rows, in order; {@link RowError#index()} refers to positions in this list
 * @param messageIds the id of the message each row came from, by position; empty when not known
 */
public record WriteBatch(
    TableId table, TableSchema schema, List<Row> rows, List<String> messageIds) {
  public WriteBatch {
    requireNonNull(table, "table");
    requireNonNull(schema, "schema");
    rows = List.copyOf(requireNonNull(rows, "rows"));
    messageIds = List.copyOf(requireNonNull(messageIds, "messageIds"));
    if (!messageIds.isEmpty() && messageIds.size() != rows.size()) {
      throw new IllegalArgumentException(
          messageIds.size() + " message ids for " + rows.size() + " rows");
    }
  }

  /** Rows whose messages are not tracked. */
  public WriteBatch(TableId table, TableSchema schema, List<Row> rows) {
    this(table, schema, rows, List.of());
  }
}

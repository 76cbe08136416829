package io.dcp.core.port;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.TableSchema;
import java.util.List;

/**
 * Rows for one table, written together.
 *
 * @param table the destination table
 * @param schema the schema the rows were mapped with
 * @param rows the rows, in order; {@link RowError#index()} refers to positions in this list
 */
public record WriteBatch(TableId table, TableSchema schema, List<Row> rows) {
  public WriteBatch {
    requireNonNull(table, "table");
    requireNonNull(schema, "schema");
    rows = List.copyOf(requireNonNull(rows, "rows"));
  }
}

package io.dcp.core.tables;

import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableOptions;
import io.dcp.core.port.Warehouse;
import io.dcp.core.schema.TableSchema;
import java.util.Optional;

/**
 * Tables a test writes to, made the way {@code dcp run} makes them: by {@link TableSetup}, through
 * the warehouse's table admin, before the first row (a row sink creates no table).
 */
public final class TestTables {
  private TestTables() {}

  /** Creates {@code table} with {@code schema} in {@code warehouse} unless it exists. */
  public static void create(Warehouse warehouse, TableId table, TableSchema schema)
      throws SinkException {
    try (TableAdmin admin = warehouse.tableAdmin()) {
      setup(admin).prepare(table, schema, Optional.empty());
    }
  }

  /** Creates dead-letter table {@code table} in {@code warehouse} unless it exists. */
  public static void createDeadLetterTable(Warehouse warehouse, TableId table)
      throws SinkException {
    try (TableAdmin admin = warehouse.tableAdmin()) {
      setup(admin).prepareDeadLetterTable(table);
    }
  }

  private static TableSetup setup(TableAdmin admin) {
    return new TableSetup(admin, true, TableOptions.none(), false);
  }
}

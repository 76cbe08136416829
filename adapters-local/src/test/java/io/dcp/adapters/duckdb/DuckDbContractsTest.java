package io.dcp.adapters.duckdb;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.DeadLetterSinkContract;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.RowSinkContract;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableAdminContract;
import io.dcp.core.tables.TestTables;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DuckDB warehouse's row sink, dead-letter table and table admin against the ports' contracts.
 */
class DuckDbContractsTest {

  @Nested
  class RowSinkOnDuckDb extends RowSinkContract {
    @TempDir Path dir;
    private DuckDbWarehouse warehouse;

    @Override
    protected TableId table() {
      return TableId.local("contract_rows");
    }

    @Override
    protected RowSink newSink() throws Exception {
      warehouse = DuckDbWarehouse.open(dir.resolve("w.duckdb").toString());
      TestTables.create(warehouse, table(), SCHEMA);
      return warehouse.rowSink();
    }

    @Override
    protected List<Row> committedRows() throws Exception {
      return warehouse.withConnection(
          "reading the contract's rows",
          c -> {
            List<Row> rows = new ArrayList<>();
            try (Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery("SELECT id, name FROM contract_rows")) {
              while (rs.next()) {
                rows.add(row(rs.getLong("id"), rs.getString("name")));
              }
            }
            return rows;
          });
    }

    @AfterEach
    void closeDatabase() {
      if (warehouse != null) {
        warehouse.close();
      }
    }
  }

  @Nested
  class DeadLetterTableOnDuckDb extends DeadLetterSinkContract {
    private static final TableId DEAD_LETTERS = TableId.local("dead_letters");
    @TempDir Path dir;
    private DuckDbWarehouse warehouse;

    @Override
    protected DeadLetterSink newSink() throws Exception {
      warehouse = DuckDbWarehouse.open(dir.resolve("w.duckdb").toString());
      TestTables.createDeadLetterTable(warehouse, DEAD_LETTERS);
      return new TableDeadLetterSink(warehouse.rowSink(), DEAD_LETTERS);
    }

    @Override
    protected List<DeadLetter> committedDeadLetters() throws Exception {
      try (DeadLetterStore store = warehouse.deadLetterStore(DEAD_LETTERS)) {
        return store.find(DeadLetterQuery.all()).stream()
            .map(DeadLetterStore.Stored::deadLetter)
            .toList();
      }
    }

    @AfterEach
    void closeDatabase() {
      if (warehouse != null) {
        warehouse.close();
      }
    }
  }

  @Nested
  class TableAdminOnDuckDb extends TableAdminContract {
    @TempDir Path dir;
    private DuckDbWarehouse warehouse;

    @Override
    protected TableAdmin newAdmin() throws Exception {
      warehouse = DuckDbWarehouse.open(dir.resolve("w.duckdb").toString());
      return warehouse.tableAdmin();
    }

    @Override
    protected TableId table(String name) {
      return TableId.local(name);
    }

    @AfterEach
    void closeDatabase() {
      if (warehouse != null) {
        warehouse.close();
      }
    }
  }
}

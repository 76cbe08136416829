package io.dcp.adapters.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.tables.TestTables;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** One DuckDB file: what closing each piece it hands out does, and what closing it does. */
@Timeout(60)
class DuckDbWarehouseTest {
  private static final TableId QUOTES = TableId.local("quotes");
  private static final TableId DEAD_LETTERS = TableId.local("dead_letters");
  private static final TableSchema SCHEMA = TableSchema.of(Field.of("id", FieldType.INT64));

  @TempDir Path dir;

  private String file() {
    return dir.resolve("w.duckdb").toString();
  }

  private static WriteBatch batch(long id) {
    return new WriteBatch(QUOTES, SCHEMA, List.of(Row.builder().set("id", id).build()));
  }

  @Test
  void closingTheRowSinkStopsItsWritesAndLeavesTheOtherPiecesWorking() throws Exception {
    try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(file())) {
      TestTables.create(warehouse, QUOTES, SCHEMA);
      TestTables.createDeadLetterTable(warehouse, DEAD_LETTERS);
      new TableDeadLetterSink(warehouse.rowSink(), DEAD_LETTERS)
          .write(
              List.of(
                  DeadLetter.of(
                      Message.of("m-1", new byte[] {'x'}, Instant.EPOCH),
                      Stage.PARSE,
                      "",
                      "not JSON",
                      Instant.EPOCH)));
      warehouse.rowSink().write(batch(1));

      warehouse.rowSink().close();

      assertThatThrownBy(() -> warehouse.rowSink().write(batch(2)))
          .isInstanceOf(SinkException.class)
          .hasMessage("the DuckDB sink for " + file() + " is closed");
      try (TableAdmin admin = warehouse.tableAdmin()) {
        assertThat(admin.schema(QUOTES)).contains(SCHEMA);
      }
      try (DeadLetterStore store = warehouse.deadLetterStore(DEAD_LETTERS)) {
        assertThat(store.find(DeadLetterQuery.all()))
            .singleElement()
            .satisfies(s -> assertThat(s.deadLetter().reason()).isEqualTo("not JSON"));
      }
    }
  }

  @Test
  void closingTheWarehouseClosesTheFileForEveryPieceAndReleasesIt() throws Exception {
    DuckDbWarehouse warehouse = DuckDbWarehouse.open(file());
    TestTables.create(warehouse, QUOTES, SCHEMA);
    warehouse.rowSink().write(batch(7));
    TableAdmin admin = warehouse.tableAdmin();

    warehouse.close();
    warehouse.close();

    assertThatThrownBy(() -> admin.schema(QUOTES))
        .isInstanceOf(SinkException.class)
        .hasMessage("the DuckDB database " + file() + " is closed")
        .satisfies(e -> assertThat(((SinkException) e).isTransient()).isFalse());
    assertThatThrownBy(() -> warehouse.rowSink().write(batch(8)))
        .isInstanceOf(SinkException.class)
        .hasMessage("the DuckDB database " + file() + " is closed");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + file());
        ResultSet rs = c.createStatement().executeQuery("SELECT id FROM quotes")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isEqualTo(7L);
      assertThat(rs.next()).isFalse();
    }
  }
}

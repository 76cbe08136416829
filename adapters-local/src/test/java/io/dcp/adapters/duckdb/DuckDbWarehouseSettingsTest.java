package io.dcp.adapters.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DuckDbWarehouseSettingsTest {
  @TempDir Path dir;

  private static String memoryLimit(DuckDbWarehouse warehouse) throws Exception {
    return warehouse.withConnection(
        "reading the memory limit",
        c -> {
          try (Statement s = c.createStatement();
              ResultSet r = s.executeQuery("SELECT current_setting('memory_limit')")) {
            r.next();
            return r.getString(1);
          }
        });
  }

  @Test
  void aDatabaseFileCachesAtMostSixtyFourMegabytes() throws Exception {
    try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(dir.resolve("w.duckdb").toString())) {
      // DuckDB shows 64MB (10^6 bytes) in binary units.
      assertThat(memoryLimit(warehouse)).isEqualTo("61.0 MiB");
    }
  }

  @Test
  void anInMemoryDatabaseKeepsDuckDbsDefault() throws Exception {
    try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(":memory:")) {
      assertThat(memoryLimit(warehouse)).isNotEqualTo("61.0 MiB").endsWith("GiB");
    }
  }

  @Test
  void anotherConnectionInTheSameProcessOpensTheFileWhileTheWarehouseHoldsIt() throws Exception {
    Path file = dir.resolve("w.duckdb");
    try (DuckDbWarehouse warehouse = DuckDbWarehouse.open(file.toString());
        Connection other = DriverManager.getConnection("jdbc:duckdb:" + file);
        Statement s = other.createStatement();
        ResultSet r = s.executeQuery("SELECT current_setting('memory_limit')")) {
      r.next();
      assertThat(r.getString(1)).isEqualTo("61.0 MiB");
    }
  }
}

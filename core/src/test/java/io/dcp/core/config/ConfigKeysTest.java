package io.dcp.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 1, unit = TimeUnit.MINUTES)
class ConfigKeysTest {
  @TempDir Path dir;

  @Test
  void keysInNamesEveryKeyTheFileSetsInFileOrderWithOpenMapsAsOneKey() throws Exception {
    Path file = dir.resolve("dcp.yaml");
    Files.writeString(
        file,
        """
        table:
          id: market.quotes
          schemas:
            quotes_a: a.json
        admin:
          enabled: false
        mapping:
          columns:
            message_id: metadata:message_id
            size: /size
        """);

    assertThat(ConfigLoader.keysIn(file))
        .containsExactly("table.id", "table.schemas", "admin.enabled", "mapping.columns");
  }

  @Test
  void keysInOfAnEmptyFileIsEmpty() throws Exception {
    Path file = dir.resolve("empty.yaml");
    Files.writeString(file, "");

    assertThat(ConfigLoader.keysIn(file)).isEmpty();
  }
}

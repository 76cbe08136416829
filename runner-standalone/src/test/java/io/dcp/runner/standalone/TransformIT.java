package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.runner.standalone.process.DcpProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged dcp.jar runs a JavaScript transform: GraalJS and its sandbox survive shading. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TransformIT {
  @TempDir Path dir;

  @Test
  void packagedJarTransformsFiltersAndDeadLettersWithTheSandboxOn() throws Exception {
    Files.writeString(
        dir.resolve("in.ndjson"),
        """
        {"kind":"ok","n":1}
        {"kind":"loop"}
        {"kind":"ok","n":2}
        {"kind":"java"}
        {"kind":"ok","n":3}
        """);
    Files.writeString(
        dir.resolve("schema.json"),
        "[{\"name\":\"kind\",\"type\":\"STRING\"},{\"name\":\"n\",\"type\":\"INT64\"}]");
    Path udf = Path.of(getClass().getResource("/udf/hostile.js").toURI());
    Path config = dir.resolve("dcp.yaml");
    Files.writeString(
        config,
        """
        source:
          ndjson:
            paths: [%s]
        sink:
          duckdb:
            path: %s
        table:
          id: events
          schema: %s
        admin:
          enabled: false
        transform:
          javascript:
            path: %s
            maxStatements: 10000
        """
            .formatted(
                dir.resolve("in.ndjson"),
                dir.resolve("t.duckdb"),
                dir.resolve("schema.json"),
                udf));

    DcpProcess dcp = DcpProcess.start(config, dir.resolve("dcp.log"), 0);
    dcp.await(() -> !dcp.isAlive(), Duration.ofMinutes(3));

    assertThat(dcp.log()).contains("5 messages, 3 rows written").contains("2 dead letters");
    assertThat(query("SELECT kind || n FROM events ORDER BY n"))
        .containsExactly("ok1", "ok2", "ok3");
    assertThat(query("SELECT message_id || ' ' || stage FROM dead_letters ORDER BY message_id"))
        .containsExactly("in.ndjson:2 transform", "in.ndjson:4 transform");
  }

  private List<String> query(String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("t.duckdb"));
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}

package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.DcpCli.dcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.model.TableId;
import io.dcp.runner.standalone.DcpCli.Result;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A schema file whose types differ from the live DuckDB table's is refused before any write. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LiveColumnTypesTest {
  private static final Path CONFIG = Path.of("../examples/quickstart/dcp.yaml");

  @TempDir Path dir;

  private List<String> command(String name, Path input, Path schema, String... more) {
    List<String> all = new ArrayList<>(List.of(name, "--config", CONFIG.toString()));
    all.addAll(
        List.of(
            "--set", "source.ndjson.paths=" + input,
            "--set", "table.schema=" + schema,
            "--set", "sink.duckdb.path=" + dir.resolve("t.duckdb"),
            "--set", "admin.enabled=false"));
    all.addAll(List.of(more));
    return all;
  }

  private Path schema(String name, String sizeType) throws Exception {
    return Files.writeString(
        dir.resolve(name),
        "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"size\",\"type\":\""
            + sizeType
            + "\"},{\"name\":\"message_id\",\"type\":\"STRING\"},"
            + "{\"name\":\"ingested_at\",\"type\":\"TIMESTAMP\"}]");
  }

  @Test
  void aFloatSchemaOverABigintColumnIsRefusedAtStartNamingTheColumnBothTypesAndTheFix()
      throws Exception {
    Path input = Files.writeString(dir.resolve("in.ndjson"), "{\"symbol\":\"A\",\"size\":1.5}\n");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("t.duckdb"))) {
      c.createStatement().execute("CREATE TABLE quotes (symbol VARCHAR, size BIGINT)");
    }

    Result run = dcp(command("run", input, schema("float.json", "FLOAT64")));

    assertThat(run.status()).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "table quotes does not have the schema file's column types: column size is INT64 in"
                + " the table but FLOAT64 in the schema file")
        .contains("Make table.schema say the table's types");
    assertThat(run.out()).doesNotContain("Done");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("t.duckdb"));
        ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM quotes")) {
      rows.next();
      assertThat(rows.getLong(1)).isZero();
    }
  }

  @Test
  void replayAfterTheSchemaTypeWasChangedKeepsTheDeadLetterHoldingTheOriginalValue()
      throws Exception {
    Path input =
        Files.writeString(
            dir.resolve("in.ndjson"),
            "{\"symbol\":\"B\",\"size\":2}\n{\"symbol\":\"A\",\"size\":1.5}\n");
    Result first = dcp(command("run", input, schema("int.json", "INT64")));
    assertThat(first.out()).as(first.err()).contains("2 messages, 1 rows written");

    Result replay = dcp(command("replay", input, schema("float.json", "FLOAT64")));

    assertThat(replay.status()).isEqualTo(1);
    assertThat(replay.err())
        .contains("column size is INT64 in the table but FLOAT64 in the schema file");
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("t.duckdb"));
        ResultSet dead =
            c.createStatement().executeQuery("SELECT payloadString FROM dead_letters");
        ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM quotes")) {
      assertThat(dead.next()).isTrue();
      assertThat(dead.getString(1)).isEqualTo("{\"symbol\":\"A\",\"size\":1.5}");
      rows.next();
      assertThat(rows.getLong(1)).isEqualTo(1);
    }
  }

  @Test
  void aBigQueryTableWhoseColumnTypeDiffersIsRefusedAtStart() throws Exception {
    Path input = Files.writeString(dir.resolve("in.ndjson"), "{\"symbol\":\"A\",\"size\":2}\n");
    try (FakeBigQueryWriteServer write = FakeBigQueryWriteServer.start();
        FakeBigQueryRestServer rest = FakeBigQueryRestServer.start(write)) {
      rest.createDataset("demo-project", "market");
      String[] bigquery = {
        "--set", "table.id=demo-project.market.quotes",
        "--set", "table.create=true",
        "--set", "sink.type=bigquery",
        "--set", "sink.bigquery.project=demo-project",
        "--set", "sink.bigquery.endpoint=" + write.endpoint(),
        "--set", "sink.bigquery.restEndpoint=" + rest.url(),
        "--set", "deadLetter.table=demo-project.market.dead_letters"
      };
      Result first = dcp(command("run", input, schema("int.json", "INT64"), bigquery));
      assertThat(first.status()).as(first.err()).isZero();

      Result second = dcp(command("run", input, schema("float.json", "FLOAT64"), bigquery));

      assertThat(second.status()).isEqualTo(2);
      assertThat(second.err())
          .contains(
              "table demo-project.market.quotes does not have the schema file's column types:"
                  + " column size is INT64 in the table but FLOAT64 in the schema file");
      assertThat(write.rows(TableId.parse("demo-project.market.quotes"))).hasSize(1);
    }
  }

  @Test
  void typesDuckDbStoresAsTextOrNestedAreNotMistakenForDifferences() throws Exception {
    Path input =
        Files.writeString(
            dir.resolve("in.ndjson"),
            "{\"symbol\":\"A\",\"big\":\"1.5\",\"geo\":\"POINT(1 2)\",\"v\":[{\"b\":\"AQI=\"}]}\n");
    Path schema =
        Files.writeString(
            dir.resolve("wide.json"),
            "[{\"name\":\"symbol\",\"type\":\"STRING\",\"mode\":\"REQUIRED\"},"
                + "{\"name\":\"big\",\"type\":\"BIGNUMERIC\"},"
                + "{\"name\":\"geo\",\"type\":\"GEOGRAPHY\"},"
                + "{\"name\":\"v\",\"type\":\"RECORD\",\"mode\":\"REPEATED\",\"fields\":"
                + "[{\"name\":\"b\",\"type\":\"BYTES\"}]},"
                + "{\"name\":\"message_id\",\"type\":\"STRING\"},"
                + "{\"name\":\"ingested_at\",\"type\":\"TIMESTAMP\"}]");
    Result first = dcp(command("run", input, schema));
    assertThat(first.out()).as(first.err()).contains("1 messages, 1 rows written");

    Path more = Files.copy(input, dir.resolve("more.ndjson"));
    Result second = dcp(command("run", more, schema));

    assertThat(second.status()).as(second.err()).isZero();
    assertThat(second.out()).contains("1 messages, 1 rows written");
  }
}

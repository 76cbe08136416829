package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.DcpCli.dcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.runner.standalone.DcpCli.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code validate --sample} and {@code replay --dry-run} predict what the real command does. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class ValidateAndDryRunTest {
  private static final Path CONFIG = Path.of("../examples/quickstart/dcp.yaml");
  private static final String SCHEMA =
      "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"kind\",\"type\":\"STRING\"},"
          + "{\"name\":\"message_id\",\"type\":\"STRING\"},"
          + "{\"name\":\"ingested_at\",\"type\":\"TIMESTAMP\"}]";

  @TempDir Path dir;

  private List<String> command(String name, Path input, String... more) throws Exception {
    Path schema = Files.writeString(dir.resolve("schema.json"), SCHEMA);
    List<String> all = new ArrayList<>(List.of(name, "--config", CONFIG.toString()));
    all.addAll(
        List.of(
            "--set", "source.ndjson.paths=" + input,
            "--set", "table.schema=" + schema,
            "--set", "sink.duckdb.path=" + dir.resolve("v.duckdb"),
            "--set", "admin.enabled=false"));
    all.addAll(List.of(more));
    return all;
  }

  @Test
  void validateCutsALineOverTheLimitAsTheRunDoes() throws Exception {
    Path input =
        Files.writeString(
            dir.resolve("long.ndjson"),
            "{\"symbol\":\"A\"}\r\n\n{\"symbol\":\"" + "x".repeat(200) + "\"}\n{\"symbol\":\"C\"}");
    List<String> validate = command("validate", input, "--set", "mapping.maxPayloadBytes=100");
    validate.addAll(List.of("--sample", input.toString()));

    Result predicted = dcp(validate);

    assertThat(predicted.status()).as(predicted.err()).isZero();
    assertThat(predicted.out())
        .contains("3 messages: 2 rows would land, 1 dead letters")
        .contains("1  decode: payload is 101 bytes, over the limit of 100");
  }

  @Test
  void validateRoutesAndEvolvesAsTheRunDoesAndCanFailOnDeadLetters() throws Exception {
    Path input =
        Files.writeString(
            dir.resolve("in.ndjson"),
            """
            {"symbol":"A","kind":"quote"}
            {"symbol":"B","kind":"../x"}
            {"symbol":"C","kind":"trade","venue":"XNAS"}
            """);
    String[] options = {
      "--set", "table.route=${field:kind}s",
      "--set", "schema.evolution=add-columns",
      "--set", "mapping.unknownFields=reject"
    };
    List<String> validate = command("validate", input, options);
    validate.addAll(List.of("--sample", input.toString()));
    List<String> strict = new ArrayList<>(validate);
    strict.add("--fail-on-dead-letters");

    Result predicted = dcp(validate);
    Result failing = dcp(strict);
    Result run = dcp(command("run", input, options));

    assertThat(predicted.status()).as(predicted.err()).isZero();
    assertThat(predicted.out())
        .contains("3 messages: 2 rows would land, 1 dead letters")
        .contains("1 rows in table quotes")
        .contains("1 rows in table trades")
        .contains(
            "map: $.kind: value '../x' cannot be part of a table name (table.route"
                + " ${field:kind}s takes letters, digits, _ and -)");
    assertThat(failing.status()).isEqualTo(1);
    assertThat(run.out())
        .as(run.err())
        .contains("3 messages, 2 rows written")
        .contains("1 dead letters");
  }

  @Test
  void replayDryRunCountsRowsTheLiveTableWouldRefuseAsStaying() throws Exception {
    Path input = Files.writeString(dir.resolve("in.ndjson"), "{\"symbol\":\"A\",\"x\":1}\n");
    Result first = dcp(command("run", input, "--set", "mapping.unknownFields=reject"));
    assertThat(first.out()).as(first.err()).contains("1 messages, 0 rows written");
    // The run created quotes from the schema file; it is replaced by one that refuses the row.
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("v.duckdb"))) {
      c.createStatement()
          .execute(
              "CREATE OR REPLACE TABLE quotes (symbol VARCHAR, kind VARCHAR NOT NULL,"
                  + " message_id VARCHAR, ingested_at TIMESTAMPTZ)");
    }

    Result dry = dcp(command("replay", input, "--dry-run"));
    Result replay = dcp(command("replay", input));

    assertThat(dry.status()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("1 dead letters selected: 0 would land (0 rows), 1 would stay.")
        .contains(
            "write: column kind of table quotes is REQUIRED (NOT NULL) and the row has no value"
                + " for it");
    assertThat(replay.out()).contains("1 dead letters selected: 0 landed");
  }

  @Test
  void replayOfAMissingDuckDbFileSaysSoAndCreatesNothing() throws Exception {
    Path input = Files.writeString(dir.resolve("in.ndjson"), "{\"symbol\":\"A\"}\n");

    Result dry = dcp(command("replay", input, "--dry-run"));

    assertThat(dry.status()).isEqualTo(2);
    assertThat(dry.err())
        .isEqualTo(
            "sink.duckdb.path: no DuckDB file "
                + dir.resolve("v.duckdb")
                + ", so no dead letters to replay: check the path (replay never creates one)\n");
    assertThat(Files.exists(dir.resolve("v.duckdb"))).isFalse();
  }
}

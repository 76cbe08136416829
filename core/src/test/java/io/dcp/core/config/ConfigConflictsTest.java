package io.dcp.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.UnknownFields;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Settings that are each valid but conflict, and problems that must all come in one report. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConfigConflictsTest {
  @TempDir Path dir;

  private static final String BASE = ConfigLoads.OPEN_TABLE;

  private List<String> problems(String yaml, Map<String, String> environment, String... sets) {
    return ConfigLoads.with(dir).environment(environment).problems(yaml, sets);
  }

  // A dead-letter table that is a destination, and a publish endpoint on the admin port: the
  // sections of adapters-local and adapters-bigquery, which know their names and ports.

  @Test
  void aMaxDepthBeyondJacksonsNestingLimitIsAConfigErrorNamingTheLimit() throws Exception {
    assertThat(problems(BASE + "  id: quotes\n", Map.of(), "mapping.maxDepth=1000000"))
        .containsExactly(
            "mapping.maxDepth: 1000000 is over 1000, the deepest JSON Jackson reads and writes"
                + " (its StreamReadConstraints and StreamWriteConstraints nesting limit)");
    assertThat(problems(BASE + "  id: quotes\n", Map.of(), "mapping.maxDepth=1000")).isEmpty();
  }

  @Test
  void anUnknownDcpEnvironmentVariableIsAConfigErrorWithTheNearestName() throws Exception {
    Map<String, String> environment =
        Map.of(
            "DCP_PIPELINE_MAX_BATCH_ROW", "5",
            "DCP_NOT_A_THING_AT_ALL", "1",
            "DCP_LOG_LEVEL", "DEBUG",
            "DCP_TABLE_ID", "quotes",
            "HOME", "/root");

    assertThat(problems(BASE, environment))
        .containsExactly(
            "DCP_NOT_A_THING_AT_ALL: unknown environment variable",
            "DCP_PIPELINE_MAX_BATCH_ROW: unknown environment variable; did you mean"
                + " 'DCP_PIPELINE_MAX_BATCH_ROWS'?");
  }

  @Test
  void everyDuplicateYamlKeyIsReportedWithItsPathBesideOtherProblems() throws Exception {
    String yaml =
        """
        source:
          ndjson:
            paths: [events.ndjson]
        table:
          id: quotes
          schema: schema.json
          id: trades
        pipeline:
          maxBatchRows: 0
        table:
          create: true
        """;

    assertThat(problems(yaml, Map.of()))
        .containsExactly(
            "pipeline.maxBatchRows: '0' is not a whole number greater than 0",
            "table: duplicate key at line 10: YAML keeps only the last value; remove one",
            "table.id: duplicate key at line 7: YAML keeps only the last value; remove one",
            "table.id: required: the destination table (a name, or project.dataset.table)",
            "table.schema: required: a BigQuery JSON schema file (bq show --schema"
                + " --format=prettyjson)");
  }

  @Test
  void crossFieldErrorsAreReportedUnderTheirKeysBesideFieldErrors() throws Exception {
    String yaml =
        BASE
            + """
              id: quotes
            pipeline:
              maxBatchRows: -1
              maxBatchLatency: 0s
              drainTimeout: PT-1S
              retry:
                initialBackoff: 5s
                maxBackoff: 1s
                multiplier: 0.5
                jitter: 2
            """;

    assertThat(problems(yaml, Map.of()))
        .containsExactly(
            "pipeline.drainTimeout: 'PT-1S' must not be negative",
            "pipeline.maxBatchLatency: '0s' must be longer than 0",
            "pipeline.maxBatchRows: '-1' is not a whole number greater than 0",
            "pipeline.retry.jitter: '2' must be between 0 and 1",
            "pipeline.retry.maxBackoff: '1s' is shorter than pipeline.retry.initialBackoff ('5s')",
            "pipeline.retry.multiplier: '0.5' must be at least 1");
  }

  @Test
  void configSchemaAndMappingProblemsComeInOneReport() throws Exception {
    Files.writeString(
        dir.resolve("schema.json"),
        """
        [{"name":"symbol","type":"STRING"},{"name":"px","type":"FLOT64"},
         {"name":"1bad","type":"INT64"}]
        """);
    Files.writeString(dir.resolve("click.json"), "[{\"name\":\"id\",\"type\":\"STRING\"}]");
    String yaml =
        """
        source:
          ndjson:
            paths: [events.ndjson]
        table:
          id: quotes
          schema: %s
          route: events_${attr:type}
          schemas:
            events_click: %s
            events_view: %s
        pipeline:
          writeThreads: zero
        mapping:
          columns:
            venue: attribute:venue
        """
            .formatted(
                dir.resolve("schema.json"), dir.resolve("click.json"), dir.resolve("none.json"));
    Path path = dir.resolve("dcp.yaml");
    Files.writeString(path, yaml);

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> new ConfigLoader(Map.of()).loadWithSchemas(path, List.of()));

    assertThat(e.problems().stream().map(ConfigProblem::toString))
        .containsExactly(
            "mapping.columns.venue: column 'venue' is not in the table schema (the schema of"
                + " table.schemas.events_click)",
            "pipeline.writeThreads: 'zero' is not a whole number greater than 0",
            "table.schema: "
                + dir.resolve("schema.json")
                + ": px.type: unknown type 'FLOT64'; one of STRING, BYTES, INTEGER/INT64,"
                + " FLOAT/FLOAT64, NUMERIC, BIGNUMERIC, BOOLEAN/BOOL, TIMESTAMP, DATE, TIME,"
                + " DATETIME, JSON, GEOGRAPHY, RECORD/STRUCT",
            "table.schema: "
                + dir.resolve("schema.json")
                + ": 1bad: invalid column name: letters, digits and underscores only, starting"
                + " with a letter or underscore, at most 300 characters",
            "table.schemas.events_view: "
                + dir.resolve("none.json")
                + ": cannot read the file: there is no such file (a relative path is from the"
                + " working directory)");
  }

  @Test
  void aMappingThatDoesNotFitTheSchemaIsReportedUnderItsKeyBesideConfigProblems() throws Exception {
    Files.writeString(dir.resolve("schema.json"), "[{\"name\":\"symbol\",\"type\":\"STRING\"}]");
    Path path = dir.resolve("dcp.yaml");
    Files.writeString(
        path,
        """
        source:
          ndjson:
            paths: [events.ndjson]
        table:
          id: quotes
          schema: %s
        admin:
          port: 0
        mapping:
          columns:
            venue: attribute:venue
        """
            .formatted(dir.resolve("schema.json")));

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class,
            () -> new ConfigLoader(Map.of()).loadWithSchemas(path, List.of()));

    assertThat(e.problems().stream().map(ConfigProblem::toString))
        .containsExactly(
            "admin.port: '0' is not a whole number greater than 0",
            "mapping.columns.venue: column 'venue' is not in the table schema");
  }

  @Test
  void aRequiredKeepColumnIsAMappingProblem() {
    TableSchema schema =
        TableSchema.of(
            Field.of("symbol", FieldType.STRING),
            Field.of("extra", FieldType.STRING, FieldMode.REQUIRED));
    MappingConfig config =
        MappingConfig.typed().withUnknownFields(UnknownFields.KEEP).withKeepColumn("extra");

    assertThat(JsonMessageMapper.validate(schema, config))
        .containsExactly(
            "mapping.keepColumn: column 'extra' is REQUIRED, but it is NULL for every message"
                + " without unknown fields; make it a NULLABLE JSON column of its own");
  }
}

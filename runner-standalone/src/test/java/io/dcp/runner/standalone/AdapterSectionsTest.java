package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoads;
import io.dcp.core.config.ConfigSection;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sections every command hands to the loader: with core's, one report of every problem, and the
 * name each source gives dead letters and metadata.
 */
@Timeout(30)
class AdapterSectionsTest {
  @TempDir Path dir;

  private ConfigLoads loads() {
    return ConfigLoads.with(dir, AdapterSections.ALL.toArray(ConfigSection<?>[]::new));
  }

  @Test
  void reportsEveryProblemOfCoreAndTheAdaptersAtOnceWithItsKeyAndFix() {
    String yaml =
        """
        source:
          type: kafka
        sink:
          type: duckdb
          duckdb:
            pth: x.duckdb
        table:
          id: "a.b.c.d"
        mapping:
          unknownFields: drop
          columns:
            id: "$.id"
        transform:
          javascript:
            functionName: my-udf
        pipeline:
          maxBatchRows: -1
          maxBatchLatency: soon
        admin:
          port: 70000
        """;

    assertThat(loads().problems(yaml, "pipeline.maxBatchRow=5", "source.http.ackTimeout=2h"))
        .containsExactly(
            "admin.port: 70000 is not a TCP port (1-65535)",
            "mapping.columns.id: column source '$.id' is not a JSON Pointer (/a/b), attribute:NAME"
                + " or metadata:FIELD",
            "mapping.unknownFields: 'drop' is not one of ignore, reject, keep",
            "pipeline.maxBatchLatency: 'soon' is not a duration such as 200ms, 30s, 5m or 1h",
            "pipeline.maxBatchRow: unknown key; did you mean 'pipeline.maxBatchRows'?",
            "pipeline.maxBatchRows: '-1' is not a whole number greater than 0",
            "sink.duckdb.pth: unknown key; did you mean 'path'?",
            "source.http.ackTimeout: '2h' is outside 1s to 1h: a request waits this long for its"
                + " messages to be committed",
            "source.ndjson.paths: required: list the NDJSON files to read, or \"-\" for standard"
                + " input",
            "source.type: 'kafka' is not one of ndjson, http, pubsub",
            "table.id: 'a.b.c.d' is not a table id: expected project.dataset.table",
            "table.schema: required: a BigQuery JSON schema file (bq show --schema"
                + " --format=prettyjson)",
            "transform.javascript.functionName: 'my-udf' is not a JavaScript function name: write"
                + " the name the script declares, e.g. process");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiterString = " | ",
      textBlock =
          """
          ndjson | source.ndjson.paths=a.ndjson,b.ndjson | a.ndjson,b.ndjson
          http   | source.http.topics=quotes             | http:8085
          http   | source.http.port=9000                 | http:9000
          pubsub | source.pubsub.parallelPullCount=2     | projects/my-project/subscriptions/quotes-dcp
          """)
  void theSourceIsNamedAfterWhatItReads(String type, String set, String name)
      throws ConfigException {
    assertThat(
            AdapterSections.sourceName(
                loads()
                    .load(
                        null,
                        "source.type=" + type,
                        "source.ndjson.paths=a.ndjson,b.ndjson",
                        "source.pubsub.subscription=projects/my-project/subscriptions/quotes-dcp",
                        set,
                        "table.id=quotes",
                        "table.schema=q.json")))
        .isEqualTo(name);
  }
}

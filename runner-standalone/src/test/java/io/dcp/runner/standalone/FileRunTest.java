package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.DcpCli.dcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.runner.standalone.DcpCli.Result;
import io.dcp.runner.standalone.process.DuckDbFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dcp run} over NDJSON files into DuckDB: ids, reruns and what the summary says. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FileRunTest {
  private static final Path EXAMPLE = Path.of("../examples/quickstart");

  @TempDir Path dir;

  private List<String> run(String paths, String... more) {
    List<String> all =
        new ArrayList<>(List.of("run", "--config", EXAMPLE.resolve("dcp.yaml").toString()));
    all.addAll(
        List.of(
            "--set", "source.ndjson.paths=" + paths,
            "--set", "table.schema=" + EXAMPLE.resolve("schema.json"),
            "--set", "sink.duckdb.path=" + dir.resolve("q.duckdb")));
    all.addAll(List.of(more));
    return all;
  }

  private List<String> column(String sql) throws Exception {
    return new DuckDbFile(dir.resolve("q.duckdb")).column(sql);
  }

  @Test
  void twoFilesOfOneNameInTwoDirectoriesBothLandWithTheDedupWindowOn() throws Exception {
    String line = "{\"symbol\":\"%s\",\"ts\":\"2026-11-24T14:00:00Z\"}\n";
    Files.createDirectories(dir.resolve("in/a"));
    Files.createDirectories(dir.resolve("in/b"));
    Files.writeString(dir.resolve("in/a/x.ndjson"), line.formatted("A"));
    Files.writeString(dir.resolve("in/b/x.ndjson"), line.formatted("B"));

    Result result = dcp(run(dir + "/in/*/x.ndjson", "--set", "pipeline.dedupWindowSize=1000"));

    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out()).contains("2 messages, 2 rows written");
    assertThat(column("SELECT message_id || ' ' || symbol FROM quotes ORDER BY 1"))
        .containsExactly("a/x.ndjson:1 A", "b/x.ndjson:1 B");
  }

  @Test
  void aFileRunAgainAfterItFinishedAddsNoRowAndSaysWhatItSkipped() throws Exception {
    Result first = dcp(run(EXAMPLE.resolve("events.ndjson").toString()));
    Result second = dcp(run(EXAMPLE.resolve("events.ndjson").toString()));

    assertThat(first.out()).contains("1,005 messages, 1,000 rows written");
    assertThat(second.status()).as(second.err()).isZero();
    assertThat(second.out())
        .contains("Done in")
        .contains("0 messages, 0 rows written")
        .contains("Skipped 1,005 lines an earlier run had already committed.")
        .contains("Rows are in table quotes of " + dir.resolve("q.duckdb"));
    assertThat(column("SELECT count(*) FROM quotes")).containsExactly("1000");
    assertThat(column("SELECT count(*) FROM dead_letters")).containsExactly("5");
  }

  @Test
  void theQueryHintNamesTheLocalTableWhenTheIdCarriesADataset() throws Exception {
    Result result =
        dcp(run(EXAMPLE.resolve("events.ndjson").toString(), "--set", "table.id=STG.quotes"));

    assertThat(result.status()).as(result.err()).isZero();
    assertThat(result.out())
        .contains("Rows are in table quotes of " + dir.resolve("q.duckdb"))
        .contains("\"SELECT * FROM quotes LIMIT 10\"");
    assertThat(column("SELECT count(*) FROM quotes")).containsExactly("1000");
  }

  @Test
  void aFailedStartPrintsNoSummaryAndNoQueryHint() {
    Result result = dcp(run(dir + "/nothing/*.ndjson"));

    assertThat(result.status()).isEqualTo(2);
    assertThat(result.err())
        .isEqualTo(
            "cannot start the source: source.ndjson.paths: cannot list "
                + dir
                + "/nothing: "
                + dir
                + "/nothing\n");
    assertThat(result.out()).isEmpty();
  }
}

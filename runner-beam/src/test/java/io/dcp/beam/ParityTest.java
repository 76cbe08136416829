package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.adapters.ndjson.NdjsonMessageSource;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.testing.InMemoryDeadLetterSink;
import io.dcp.core.testing.InMemoryRowSink;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's NDJSON through the standalone engine and through the Beam job on DirectRunner:
 * the same rows and the same dead letters, compared column by column (times of day left out).
 */
class ParityTest {
  static final Path EXAMPLE = Path.of("../examples/quickstart");
  static final ObjectMapper JSON = new ObjectMapper();

  /** Columns that hold the time of the run, not the message. */
  static final Set<String> CLOCK_COLUMNS =
      Set.of("ingested_at", "timestamp", "publish_time", "delivery_attempt");

  @TempDir Path dir;

  @Test
  void standaloneAndBeamWriteTheSameRowsAndDeadLetters() throws Exception {
    String input = EXAMPLE.resolve("events.ndjson").toString();
    String schemaJson = Files.readString(EXAMPLE.resolve("schema.json"));
    String mappingYaml = Files.readString(EXAMPLE.resolve("dcp.yaml"));

    List<Map<String, Object>> standaloneRows = new ArrayList<>();
    List<Map<String, Object>> standaloneDead = new ArrayList<>();
    runStandalone(input, schemaJson, mappingYaml, standaloneRows, standaloneDead);

    DcpBeamOptions options =
        PipelineOptionsFactory.fromArgs(
                "--inputFiles=" + input,
                "--outputDirectory=" + dir,
                "--schemaFile=" + EXAMPLE.resolve("schema.json"))
            .as(DcpBeamOptions.class);
    Pipeline pipeline = Pipeline.create(options);
    DcpBeamPipeline.build(pipeline, options, schemaJson, mappingYaml);
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    pipeline.run().waitUntilFinish();
    Instant finished = Instant.now();

    // A line read from a file is published when it is read.
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().contains("dead_letters-")).toList()) {
        for (String line : Files.readAllLines(file)) {
          Instant published = Instant.parse(JSON.readTree(line).get("publish_time").asText());
          assertThat(published).isBetween(started, finished);
        }
      }
    }
    List<Map<String, Object>> beamRows = readOutput("rows-");
    List<Map<String, Object>> beamDead = readOutput("dead_letters-");
    assertThat(standaloneRows).hasSize(1_000);
    assertThat(standaloneDead).hasSize(5);
    assertThat(beamRows).containsExactlyInAnyOrderElementsOf(standaloneRows);
    assertThat(beamDead).containsExactlyInAnyOrderElementsOf(standaloneDead);
  }

  private static void runStandalone(
      String input,
      String schemaJson,
      String mappingYaml,
      List<Map<String, Object>> rows,
      List<Map<String, Object>> deadLetters)
      throws Exception {
    TableSchema schema = SchemaJson.parse(schemaJson, "schema.json");
    InMemoryRowSink rowSink = new InMemoryRowSink();
    InMemoryDeadLetterSink deadLetterSink = new InMemoryDeadLetterSink();
    IngestPipeline pipeline =
        new IngestPipeline(
            new NdjsonMessageSource(
                List.of(input), new ByteArrayInputStream(new byte[0]), Clock.systemUTC(), 3),
            JsonMessageMapper.create(
                schema, ConfigLoader.loadMapping(mappingYaml), input, Clock.systemUTC()),
            TableId.local("quotes"),
            schema,
            rowSink,
            deadLetterSink,
            PipelineSettings.defaults(),
            PipelineMetrics.NOOP,
            Clock.systemUTC());
    pipeline.start();
    pipeline.finished().toCompletableFuture().get(60, TimeUnit.SECONDS);
    pipeline.stop(Duration.ofSeconds(10));
    for (Row row : rowSink.rows(TableId.local("quotes"))) {
      rows.add(comparable(TableRows.json(TableRows.of(row, schema.fields()))));
    }
    for (var deadLetter : deadLetterSink.deadLetters()) {
      deadLetters.add(
          comparable(
              TableRows.json(
                  TableRows.of(
                      DeadLetterTable.toRow(deadLetter), DeadLetterTable.SCHEMA.fields()))));
    }
  }

  private List<Map<String, Object>> readOutput(String prefix) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith(prefix)).toList()) {
        for (String line : Files.readAllLines(file)) {
          out.add(comparable(line));
        }
      }
    }
    return out;
  }

  private static Map<String, Object> comparable(String json) throws IOException {
    Map<String, Object> row = JSON.readValue(json, new TypeReference<>() {});
    row.keySet().removeAll(CLOCK_COLUMNS);
    return row;
  }
}

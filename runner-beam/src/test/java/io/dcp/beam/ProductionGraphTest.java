package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.bigquery.model.TableRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubTestClient;
import org.joda.time.Duration;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The production graph (PubsubIO → mapping → BigQueryIO Storage Write → dead letters) run on
 * DirectRunner as a streaming job with Beam's own test doubles on both sides: {@code
 * PubsubTestClient} delivers a fixed list and ends, {@code FakeDatasetService} holds the tables.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ProductionGraphTest {
  static final Path QUICKSTART = Path.of("../examples/quickstart");
  static final Duration LIMIT = Duration.standardMinutes(3);

  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(BeamJobs.Mode.class)
  void quickstartLandsEveryRowAndEveryDeadLetter(BeamJobs.Mode mode) throws Exception {
    String schema = Files.readString(QUICKSTART.resolve("schema.json"));
    List<TestTopics.Published> messages = TestTopics.ofFile(QUICKSTART.resolve("events.ndjson"));
    FakeBigQuery bigQuery = FakeBigQuery.withTable(schema);
    PipelineResult result;
    try (PubsubTestClient.PubsubTestClientFactory pubsub = TestTopics.delivering(messages)) {
      DcpBeamOptions options =
          BeamJobs.options(
              TestTopics.SUBSCRIPTION,
              bigQuery,
              QUICKSTART.resolve("schema.json").toString(),
              mode,
              "--mappingConfigFile=" + QUICKSTART.resolve("dcp.yaml"));
      Pipeline pipeline = DcpBeamMain.prepare(options, new IoServices(pubsub, bigQuery.services));
      result = BeamJobs.runToEnd(pipeline, LIMIT);
    }
    List<TableRow> rows = bigQuery.rows();
    assertThat(rows).hasSize(1_000);
    assertThat(bigQuery.deadLetters()).hasSize(5);
    assertThat(BeamJobs.counter(result, "messages_received")).isEqualTo(messages.size());
  }
}

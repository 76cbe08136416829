package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.DistributionResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.joda.time.Duration;

/** Options, files, runs and metrics of the production graph on DirectRunner, for the tests. */
final class BeamJobs {
  /** The write modes a streaming job runs in, as their options. */
  enum Mode {
    EXACTLY_ONCE_FIXED_STREAMS(
        "--writeMode=EXACTLY_ONCE", "--triggeringFrequencySeconds=1", "--writeStreams=2"),
    EXACTLY_ONCE_AUTO_SHARDING(
        "--writeMode=EXACTLY_ONCE", "--triggeringFrequencySeconds=1", "--writeStreams=0"),
    AT_LEAST_ONCE("--writeMode=AT_LEAST_ONCE");

    final List<String> args;

    Mode(String... args) {
      this.args = List.of(args);
    }
  }

  private BeamJobs() {}

  /**
   * Streaming options for the production graph: the Pub/Sub subscription, the run's tables, the
   * mode, and SDF reads (DirectRunner's default unbounded reader acks some test-client messages
   * twice).
   */
  static DcpBeamOptions options(
      String subscription, FakeBigQuery bigQuery, String schemaFile, Mode mode, String... extra) {
    List<String> args = new ArrayList<>();
    args.add("--outputTable=" + bigQuery.table());
    args.add("--deadLetterTable=" + bigQuery.deadLetterTable());
    if (schemaFile != null) {
      args.add("--schemaFile=" + schemaFile);
    }
    args.addAll(mode.args);
    args.addAll(List.of(extra));
    return streaming(subscription, args);
  }

  /**
   * Streaming options, at least once, of a job whose tables come from {@code extra} (a {@code
   * --configFile}, say), reading {@link TestTopics#SUBSCRIPTION}.
   */
  static DcpBeamOptions atLeastOnce(String... extra) {
    List<String> args = new ArrayList<>(Mode.AT_LEAST_ONCE.args);
    args.addAll(List.of(extra));
    return streaming(TestTopics.SUBSCRIPTION, args);
  }

  private static DcpBeamOptions streaming(String subscription, List<String> more) {
    List<String> args = new ArrayList<>();
    args.add("--inputSubscription=" + subscription);
    args.add("--streaming=true");
    args.add("--experiments=use_sdf_read");
    args.add("--project=" + FakeBigQuery.PROJECT);
    args.addAll(more);
    PipelineOptionsFactory.register(DcpBeamOptions.class);
    return PipelineOptionsFactory.fromArgs(args.toArray(String[]::new)).as(DcpBeamOptions.class);
  }

  /**
   * Writes a config file for a run into {@code bigQuery}: the BigQuery sink, table {@code events}
   * of the run's dataset with {@code schema} (written beside it) and {@code tableKeys} (more {@code
   * table:} keys, each line starting with a newline and two spaces), dead letters in the dataset's
   * {@code dead_letters}, then {@code sections}.
   */
  static Path configFile(
      Path dir, FakeBigQuery bigQuery, String schema, String tableKeys, String sections)
      throws IOException {
    return file(
        dir,
        "dcp.yaml",
        "sink:\n  type: bigquery\n  bigquery:\n    project: "
            + FakeBigQuery.PROJECT
            + "\ntable:\n  id: "
            + bigQuery.dataset
            + ".events\n  schema: "
            + file(dir, "schema.json", schema)
            + tableKeys
            + "\ndeadLetter:\n  type: bigquery-table\n  table: "
            + bigQuery.dataset
            + ".dead_letters\n"
            + sections);
  }

  /** Writes {@code text} to a new file in {@code dir} whose name ends in {@code name}. */
  static Path file(Path dir, String name, String text) throws IOException {
    Path file = Files.createTempFile(dir, "", name);
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  /** Runs {@code pipeline} until it ends by itself, within {@code limit}; asserts it ended DONE. */
  static PipelineResult runToEnd(Pipeline pipeline, Duration limit) {
    PipelineResult result = pipeline.run();
    PipelineResult.State state = result.waitUntilFinish(limit);
    assertThat(state).isEqualTo(PipelineResult.State.DONE);
    return result;
  }

  /** The committed value of counter {@code name} in namespace {@code dcp}, 0 when never set. */
  static long counter(PipelineResult result, String name) {
    long total = 0;
    for (MetricResult<Long> c : query(result, name).getCounters()) {
      total += c.getAttempted();
    }
    return total;
  }

  /** The distribution {@code name} in namespace {@code dcp}, summed over steps. */
  static DistributionResult distribution(PipelineResult result, String name) {
    DistributionResult total = DistributionResult.IDENTITY_ELEMENT;
    for (MetricResult<DistributionResult> d : query(result, name).getDistributions()) {
      DistributionResult v = d.getAttempted();
      total =
          DistributionResult.create(
              total.getSum() + v.getSum(),
              total.getCount() + v.getCount(),
              Math.min(total.getMin(), v.getMin()),
              Math.max(total.getMax(), v.getMax()));
    }
    return total;
  }

  private static MetricQueryResults query(PipelineResult result, String name) {
    return result
        .metrics()
        .queryMetrics(
            MetricsFilter.builder().addNameFilter(MetricNameFilter.named("dcp", name)).build());
  }
}

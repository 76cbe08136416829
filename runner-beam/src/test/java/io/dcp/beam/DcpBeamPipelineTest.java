package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.junit.jupiter.api.Test;

/** The Dataflow-shaped job built from options, checked without GCP: its graph and its options. */
class DcpBeamPipelineTest {
  static final String SCHEMA =
      "[{\"name\":\"symbol\",\"type\":\"STRING\"},{\"name\":\"message_id\",\"type\":\"STRING\"}]";

  @Test
  void buildsPubSubToBigQueryWithDeadLettersFromMappingAndRefusedRowsInEveryShape() {
    DcpBeamOptions options =
        options(
            "--inputSubscription=projects/demo-project/subscriptions/quotes-dcp",
            "--outputTable=demo-project:market.quotes",
            "--deadLetterTable=demo-project:market.dead_letters",
            "--schemaFile=quotes.json",
            "--triggeringFrequencySeconds=5",
            "--writeStreams=4",
            "--idAttribute=event_id");
    Pipeline pipeline = Pipeline.create(options);

    DcpBeamPipeline.build(pipeline, options, SCHEMA, "");

    List<String> composites = new ArrayList<>();
    List<Class<?>> kinds = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            if (node.getEnclosingNode() != null && node.getEnclosingNode().isRootNode()) {
              composites.add(node.getFullName());
              kinds.add(node.getTransform().getClass());
            }
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            if (node.getEnclosingNode().isRootNode()) {
              composites.add(node.getFullName());
            }
          }
        });
    assertThat(composites)
        .containsSubsequence(
            "Read Pub/Sub",
            "Drop duplicates by event_id",
            "Map to rows",
            "Write rows to BigQuery",
            "Refused rows to dead letters",
            "All dead letters",
            "Write dead letters to BigQuery",
            "Write dead letters without_payload_string",
            "Write dead letters payload_cut",
            "Fail on a dead letter refused in every shape");
    assertThat(kinds).anyMatch(PubsubIO.Read.class::isAssignableFrom);
    assertThat(kinds.stream().filter(BigQueryIO.Write.class::isAssignableFrom)).hasSize(4);
  }

  @Test
  void localModeReadsFilesAndWritesFiles() {
    DcpBeamOptions options =
        options("--inputFiles=events.ndjson", "--outputDirectory=out", "--schemaFile=quotes.json");
    Pipeline pipeline = Pipeline.create(options);

    DcpBeamPipeline.build(pipeline, options, SCHEMA, "");

    List<String> names = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            names.add(node.getFullName());
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            names.add(node.getFullName());
          }
        });
    assertThat(names)
        .contains("Read NDJSON files", "Map to rows", "Write rows", "Write dead letters")
        .noneMatch(n -> n.contains("BigQuery") || n.contains("Pub/Sub"));
  }

  @Test
  void rejectsWrongCombinationsNamingEachOption() {
    assertThat(
            BeamOptionsCheck.problems(
                options(
                    "--inputSubscription=quotes",
                    "--inputTopic=projects/p/topics/t",
                    "--outputTable=quotes",
                    "--schemaFile=q.json",
                    "--schemaFromTable=true")))
        .containsExactly(
            "set exactly one of --inputSubscription, --inputTopic or --inputFiles (2 set)",
            "--inputSubscription must be projects/PROJECT/subscriptions/NAME",
            "--outputTable must be PROJECT:DATASET.TABLE or PROJECT.DATASET.TABLE",
            "set exactly one of --deadLetterTable or --deadLetterTopic with --outputTable",
            "set exactly one of --schemaFile or --schemaFromTable=true",
            "--triggeringFrequencySeconds is required for --writeMode=EXACTLY_ONCE on Pub/Sub"
                + " input (for example 5)",
            "--writeStreams is required for --writeMode=EXACTLY_ONCE on Pub/Sub"
                + " input (for example 4, or 0 for auto-sharding)");
    assertThat(
            BeamOptionsCheck.problems(
                options(
                    "--inputTopic=projects/p/topics/t",
                    "--outputTable=p:d.t",
                    "--deadLetterTable=p:d.dl",
                    "--schemaFromTable=true",
                    "--writeMode=AT_LEAST_ONCE",
                    "--triggeringFrequencySeconds=5")))
        .containsExactly("--triggeringFrequencySeconds applies to --writeMode=EXACTLY_ONCE only");
    assertThat(
            BeamOptionsCheck.problems(
                options(
                    "--inputFiles=a.ndjson",
                    "--outputTable=p:d.t",
                    "--deadLetterTable=p:d.dl",
                    "--schemaFile=s.json",
                    "--idAttribute=id")))
        .containsExactly(
            "--inputFiles (local mode) goes with --outputDirectory, Pub/Sub input with"
                + " --outputTable",
            "--idAttribute applies to Pub/Sub input only");
    assertThat(
            BeamOptionsCheck.problems(
                options(
                    "--inputSubscription=projects/p/subscriptions/s",
                    "--outputTable=p:d.t",
                    "--deadLetterTable=p:d.dl",
                    "--deadLetterTopic=dead-letters",
                    "--schemaFile=s.json",
                    "--writeMode=AT_LEAST_ONCE")))
        .containsExactly(
            "set exactly one of --deadLetterTable or --deadLetterTopic with --outputTable",
            "--deadLetterTopic must be projects/PROJECT/topics/NAME");
    assertThat(
            BeamOptionsCheck.problems(
                options(
                    "--inputFiles=a.ndjson",
                    "--outputDirectory=out",
                    "--deadLetterTopic=projects/p/topics/dl",
                    "--schemaFile=s.json")))
        .containsExactly(
            "--deadLetterTopic applies to --outputTable only (local mode writes files)");
  }

  @Test
  void buildingWithBadOptionsOrAReservedColumnNameFailsBeforeSubmission() {
    DcpBeamOptions bad = options("--outputDirectory=out", "--schemaFile=s.json");
    assertThatThrownBy(() -> DcpBeamPipeline.build(Pipeline.create(bad), bad, SCHEMA, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "invalid options:\n"
                + "  set exactly one of --inputSubscription, --inputTopic or --inputFiles (0 set)\n"
                + "  --inputFiles (local mode) goes with --outputDirectory, Pub/Sub input with"
                + " --outputTable");
    DcpBeamOptions local =
        options("--inputFiles=a.ndjson", "--outputDirectory=out", "--schemaFile=s.json");
    assertThatThrownBy(
            () ->
                DcpBeamPipeline.build(
                    Pipeline.create(local),
                    local,
                    "[{\"name\":\"rec\",\"type\":\"RECORD\",\"fields\":[{\"name\":\"f\",\"type\":\"STRING\"}]}]",
                    ""))
        .hasMessageStartingWith("the schema has a column named 'f'");
  }

  @Test
  void buildingWithoutTheLauncherRefusesTheOptionsOnlyTheLauncherReads() {
    DcpBeamOptions udf =
        options(
            "--inputFiles=a.ndjson",
            "--outputDirectory=out",
            "--schemaFile=s.json",
            "--javascriptTextTransformGcsPath=udf.js");
    assertThatThrownBy(() -> DcpBeamPipeline.build(Pipeline.create(udf), udf, SCHEMA, ""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--configFile and --javascriptTextTransformGcsPath are read by the job's launcher:"
                + " start the job with DcpBeamMain, which builds it with them");
  }

  private static DcpBeamOptions options(String... args) {
    PipelineOptionsFactory.register(DcpBeamOptions.class);
    return PipelineOptionsFactory.fromArgs(args).as(DcpBeamOptions.class);
  }
}

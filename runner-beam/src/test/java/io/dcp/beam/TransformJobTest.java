package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.api.services.bigquery.model.TableRow;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.FileSystems;
import org.joda.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Dataflow template's JavaScript UDFs on the production graph (Beam's {@code PubsubTestClient}
 * in, Beam's BigQuery test services out, DirectRunner), from the template's own options and from
 * the {@code transform} section of {@code --configFile}.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TransformJobTest {
  static final Duration LIMIT = Duration.standardMinutes(3);
  static final Path SAMPLES = Path.of("../examples/transforms");

  @TempDir Path dir;

  @Test
  void reshapeSampleLandsTheFlattenedRenamedRow() throws Exception {
    String schema =
        "[{\"name\":\"id\",\"type\":\"INT64\"},{\"name\":\"city\",\"type\":\"STRING\"},"
            + "{\"name\":\"country\",\"type\":\"STRING\"},{\"name\":\"user_name\",\"type\":\"STRING\"}]";
    FakeBigQuery bigQuery = FakeBigQuery.withTable(schema);

    PipelineResult result =
        run(
            bigQuery,
            schema,
            List.of(
                "{\"id\":1,\"name\":\"Ada\",\"ssn\":\"123\","
                    + "\"location\":{\"city\":\"Oslo\",\"country\":\"NO\"}}"),
            "--javascriptTextTransformGcsPath=" + SAMPLES.resolve("reshape.js"));

    assertThat(texts(bigQuery.rows()))
        .containsExactly(Map.of("id", "1", "city", "Oslo", "country", "NO", "user_name", "Ada"));
    assertThat(bigQuery.deadLetters()).isEmpty();
    assertThat(BeamJobs.counter(result, "messages_transformed")).isEqualTo(1);
  }

  @Test
  void filterSampleDropsDebugCountedAndNeverDeadLettered() throws Exception {
    String schema =
        "[{\"name\":\"severity\",\"type\":\"STRING\"},{\"name\":\"msg\",\"type\":\"STRING\"}]";
    FakeBigQuery bigQuery = FakeBigQuery.withTable(schema);

    PipelineResult result =
        run(
            bigQuery,
            schema,
            List.of(
                "{\"severity\":\"DEBUG\",\"msg\":\"x\"}", "{\"severity\":\"INFO\",\"msg\":\"y\"}"),
            "--javascriptTextTransformGcsPath=" + SAMPLES.resolve("filter.js"),
            "--javascriptTextTransformFunctionName=process");

    assertThat(texts(bigQuery.rows())).containsExactly(Map.of("severity", "INFO", "msg", "y"));
    assertThat(bigQuery.deadLetters()).isEmpty();
    assertThat(BeamJobs.counter(result, "messages_received")).isEqualTo(2);
    assertThat(BeamJobs.counter(result, "messages_dropped")).isEqualTo(1);
    assertThat(BeamJobs.counter(result, "messages_transformed")).isEqualTo(1);
    assertThat(BeamJobs.counter(result, "dead_letters_transform")).isZero();
  }

  @Test
  void enrichSampleFromTheConfigFileAddsTheConstantAndTheComputedTotal() throws Exception {
    String schema =
        "[{\"name\":\"item\",\"type\":\"STRING\"},{\"name\":\"dataFeed\",\"type\":\"STRING\"},"
            + "{\"name\":\"total\",\"type\":\"FLOAT64\"}]";
    FakeBigQuery bigQuery = FakeBigQuery.withTable(schema);
    Path config =
        config(
            bigQuery,
            schema,
            "transform:\n  javascript:\n    path: " + SAMPLES.resolve("enrich.js") + "\n");

    run(
        bigQuery,
        List.of("{\"item\":\"pen\",\"price\":2.5,\"quantity\":4}"),
        "--configFile=" + config);

    assertThat(texts(bigQuery.rows()))
        .containsExactly(
            Map.of("item", "pen", "dataFeed", "Real-time Transactions", "total", "10.0"));
    assertThat(bigQuery.deadLetters()).isEmpty();
  }

  @Test
  void eachMisbehaviourIsTheExactTransformDeadLetterOfTheOriginalAndTheNextMessageLands()
      throws Exception {
    String schema = "[{\"name\":\"kind\",\"type\":\"STRING\"}]";
    FakeBigQuery bigQuery = FakeBigQuery.withTable(schema);
    Path config =
        config(
            bigQuery,
            schema,
            "transform:\n  javascript:\n    path: " + hostileJs() + "\n    maxStatements: 10000\n");
    List<String> lines = new ArrayList<>();
    for (String kind : List.of("throw", "fine-1", "text", "fine-2", "loop", "fine-3", "java")) {
      lines.add("{\"kind\":\"" + kind + "\"}");
    }
    lines.add("{\"kind\":\"fine-4\"}");

    PipelineResult result = run(bigQuery, lines, "--configFile=" + config);

    assertThat(bigQuery.rows())
        .extracting(r -> r.get("kind"))
        .containsExactlyInAnyOrder("fine-1", "fine-2", "fine-3", "fine-4");
    Map<String, String> reasons = new TreeMap<>();
    for (TableRow d : bigQuery.deadLetters()) {
      assertThat(d.get("stage")).isEqualTo("transform");
      assertThat(d.get("payloadString")).isEqualTo(lines.get(index(d)));
      reasons.put((String) d.get("message_id"), (String) d.get("errorMessage"));
    }
    assertThat(reasons)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "m0",
                "transform: process threw Error: no kind throw at hostile.js:4",
                "m2",
                "transform: process returned a string that is not JSON: Unrecognized token"
                    + " 'not': was expecting (JSON String, Number, Array, Object or token 'null',"
                    + " 'true' or 'false')",
                "m4",
                "transform: process ran out of its budget (Statement count limit of 10000"
                    + " exceeded. Statements executed 10001.)",
                "m6",
                "transform: process threw TypeError: Access to host class java.lang.System is not"
                    + " allowed or does not exist. at hostile.js:16"));
    assertThat(BeamJobs.counter(result, "dead_letters_transform")).isEqualTo(4);
    assertThat(BeamJobs.counter(result, "transform_failures")).isEqualTo(4);
    assertThat(BeamJobs.counter(result, "rows_mapped")).isEqualTo(4);
  }

  @Test
  void scriptThatDoesNotCompileStopsTheLaunchWithItsLine() throws Exception {
    Path broken =
        write("broken.js", "function process(inJson) {\n  var x = ;\n  return inJson;\n}\n");
    FakeBigQuery bigQuery = FakeBigQuery.withTable("[{\"name\":\"i\",\"type\":\"INT64\"}]");

    assertThatThrownBy(
            () ->
                prepare(
                    bigQuery,
                    "[{\"name\":\"i\",\"type\":\"INT64\"}]",
                    "--javascriptTextTransformGcsPath=" + broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "invalid options:\n  --javascriptTextTransformGcsPath: "
                + broken
                + " does not compile: SyntaxError: broken.js:2:10 Expected an operand but found ;")
        .hasMessageEndingWith(" at broken.js:2");
  }

  @Test
  void everyWrongUdfSettingIsRefusedByNameBeforeLaunch() throws Exception {
    String schema = "[{\"name\":\"i\",\"type\":\"INT64\"}]";
    FakeBigQuery bigQuery = FakeBigQuery.withTable(schema);
    Path enrich = SAMPLES.resolve("enrich.js");
    Path config = config(bigQuery, schema, "transform:\n  javascript:\n    path: " + enrich + "\n");

    assertThatThrownBy(
            () ->
                prepare(
                    bigQuery,
                    null,
                    "--configFile=" + config,
                    "--javascriptTextTransformGcsPath=" + enrich,
                    "--javascriptTextTransformReloadIntervalMinutes=5"))
        .hasMessage(
            "invalid options:\n  --javascriptTextTransformReloadIntervalMinutes=5 is not"
                + " supported: the job reads the UDF once, at launch, and compiles it once per"
                + " worker; leave it 0 (the template's default) and launch the job again (or"
                + " update it) to load a new script\n"
                + "  --javascriptTextTransformGcsPath and the transform section of --configFile "
                + config
                + " both set the UDF: keep one (the options, as the template takes them, or the"
                + " transform.javascript.* keys, as dcp run reads them)");
    assertThatThrownBy(
            () -> prepare(bigQuery, schema, "--javascriptTextTransformFunctionName=process"))
        .hasMessage(
            "invalid options:\n  --javascriptTextTransformFunctionName needs"
                + " --javascriptTextTransformGcsPath, the UDF file (a local path or gs://)");
    assertThatThrownBy(
            () ->
                prepare(
                    bigQuery,
                    schema,
                    "--javascriptTextTransformGcsPath=" + enrich,
                    "--javascriptTextTransformFunctionName=transform"))
        .hasMessage(
            "invalid options:\n  --javascriptTextTransformFunctionName: "
                + enrich
                + " defines no function 'transform'");
    Path missing = dir.resolve("missing.js");
    assertThatThrownBy(
            () -> prepare(bigQuery, schema, "--javascriptTextTransformGcsPath=" + missing))
        .hasMessageStartingWith(
            "invalid options:\n  --javascriptTextTransformGcsPath: cannot read " + missing);
    Path misnamed =
        config(
            bigQuery,
            schema,
            "transform:\n  javascript:\n    path: " + enrich + "\n    functionName: transform\n");
    assertThatThrownBy(() -> prepare(bigQuery, null, "--configFile=" + misnamed))
        .hasMessage(
            "invalid options:\n  --configFile "
                + misnamed
                + ": transform.javascript.functionName: "
                + enrich
                + " defines no function 'transform'");
    // 0 is the template's default: accepted, as a template user's flags carry over.
    assertThat(
            prepare(
                bigQuery,
                schema,
                "--javascriptTextTransformGcsPath=" + enrich,
                "--javascriptTextTransformReloadIntervalMinutes=0"))
        .isNotNull();
  }

  @Test
  void gsScriptPathResolvesToBeamsCloudStorageFileSystemAtLaunch() throws Exception {
    String schema = "[{\"name\":\"i\",\"type\":\"INT64\"}]";
    FakeBigQuery bigQuery = FakeBigQuery.withTable(schema);

    prepare(bigQuery, schema);

    // What the launcher reads a gs:// UDF through; reading the object itself needs GCP.
    assertThat(FileSystems.matchNewResource("gs://bucket/udf/enrich.js", false).getScheme())
        .isEqualTo("gs");
  }

  private PipelineResult run(
      FakeBigQuery bigQuery, String schema, List<String> lines, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(extra));
    args.add("--schemaFile=" + write("schema.json", schema));
    return run(bigQuery, lines, args.toArray(String[]::new));
  }

  private PipelineResult run(FakeBigQuery bigQuery, List<String> lines, String... args)
      throws Exception {
    DcpBeamOptions options =
        BeamJobs.options(
            TestTopics.SUBSCRIPTION, bigQuery, null, BeamJobs.Mode.AT_LEAST_ONCE, args);
    try (TestTopics.SteadyFactory pubsub = TestTopics.delivering(TestTopics.ofLines(lines))) {
      return BeamJobs.runToEnd(
          DcpBeamMain.prepare(options, new IoServices(pubsub, bigQuery.services)), LIMIT);
    }
  }

  /** Builds the job without running it, with {@code schema} as --schemaFile when not null. */
  private Object prepare(FakeBigQuery bigQuery, String schema, String... extra) throws Exception {
    List<String> args = new ArrayList<>(List.of(extra));
    if (schema != null) {
      args.add("--schemaFile=" + write("schema.json", schema));
    }
    DcpBeamOptions options =
        BeamJobs.options(
            TestTopics.SUBSCRIPTION,
            bigQuery,
            null,
            BeamJobs.Mode.AT_LEAST_ONCE,
            args.toArray(String[]::new));
    try (TestTopics.SteadyFactory pubsub = TestTopics.delivering(List.of())) {
      return DcpBeamMain.prepare(options, new IoServices(pubsub, bigQuery.services));
    }
  }

  /** A dcp config for the run's tables with {@code schema} and the {@code transform} section. */
  private Path config(FakeBigQuery bigQuery, String schema, String transform) throws Exception {
    return BeamJobs.configFile(dir, bigQuery, schema, "", transform);
  }

  /**
   * adapters-javascript's UDF that misbehaves in each way the sandbox must contain, by the
   * message's kind, copied into the test's directory.
   */
  private Path hostileJs() throws Exception {
    try (InputStream script = getClass().getResourceAsStream("/udf/hostile.js")) {
      return Files.write(dir.resolve("hostile.js"), script.readAllBytes());
    }
  }

  /** Writes {@code name} in the test's directory (again, when a test writes it twice). */
  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }

  private static int index(TableRow deadLetter) {
    return Integer.parseInt(((String) deadLetter.get("message_id")).substring(1));
  }

  /** Each row's values as text: BigQuery's fake hands INT64 back as a number or a string. */
  private static List<Map<String, String>> texts(List<TableRow> rows) {
    List<Map<String, String>> out = new ArrayList<>();
    for (TableRow row : rows) {
      Map<String, String> values = new TreeMap<>();
      row.forEach((k, v) -> values.put(k, String.valueOf(v)));
      out.add(values);
    }
    return out;
  }
}

package io.dcp.adapters.javascript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.config.ConfigException;
import io.dcp.core.model.Message;
import io.dcp.core.port.TransformResult;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(value = 2, unit = TimeUnit.MINUTES)
class GraalJsMessageTransformTest {
  private static final Instant T = Instant.parse("2024-05-01T10:00:00Z");
  private static final ScriptBudget BUDGET =
      new ScriptBudget(10_000, Duration.ofSeconds(1), 256L * 1024 * 1024);

  private static Path udf(String name) throws URISyntaxException {
    Path sample = Path.of("../examples/transforms", name);
    if (Files.exists(sample)) {
      return sample;
    }
    return Path.of(GraalJsMessageTransformTest.class.getResource("/udf/" + name).toURI());
  }

  private static GraalJsMessageTransform hostile(ScriptBudget budget) throws Exception {
    return GraalJsMessageTransform.open(udf("hostile.js"), "process", budget);
  }

  private static void assertTheNextMessagePasses(GraalJsMessageTransform t) {
    assertThat(run(t, "{\"kind\":\"ok\"}"))
        .isEqualTo(new TransformResult.Transformed("{\"kind\":\"ok\"}", Map.of("k", "v")));
  }

  private static TransformResult run(GraalJsMessageTransform t, String json) {
    Message m = new Message("m1", json.getBytes(), Map.of("k", "v"), T, "", 1);
    return t.transform(m, json);
  }

  @Test
  void reshapeSampleFlattensRenamesAndRemovesFieldsKeepingAttributes() throws Exception {
    try (GraalJsMessageTransform t =
        GraalJsMessageTransform.open(udf("reshape.js"), "process", BUDGET)) {
      assertThat(
              run(
                  t,
                  "{\"id\":1,\"name\":\"Ada\",\"ssn\":\"123\",\"location\":{\"city\":\"Oslo\",\"country\":\"NO\"}}"))
          .isEqualTo(
              new TransformResult.Transformed(
                  "{\"id\":1,\"city\":\"Oslo\",\"country\":\"NO\",\"user_name\":\"Ada\"}",
                  Map.of("k", "v")));
    }
  }

  @Test
  void filterSampleDropsDebugAndPassesOthersUnchanged() throws Exception {
    try (GraalJsMessageTransform t =
        GraalJsMessageTransform.open(udf("filter.js"), "process", BUDGET)) {
      assertThat(run(t, "{\"severity\":\"DEBUG\",\"msg\":\"x\"}"))
          .isEqualTo(new TransformResult.Dropped());
      assertThat(run(t, "{\"severity\":\"ERROR\",\"msg\":\"x\"}"))
          .isEqualTo(
              new TransformResult.Transformed(
                  "{\"severity\":\"ERROR\",\"msg\":\"x\"}", Map.of("k", "v")));
    }
  }

  @Test
  void enrichSampleAddsConstantAndComputedField() throws Exception {
    try (GraalJsMessageTransform t =
        GraalJsMessageTransform.open(udf("enrich.js"), "process", BUDGET)) {
      assertThat(run(t, "{\"price\":2.5,\"quantity\":4}"))
          .isEqualTo(
              new TransformResult.Transformed(
                  "{\"price\":2.5,\"quantity\":4,\"dataFeed\":\"Real-time Transactions\",\"total\":10}",
                  Map.of("k", "v")));
    }
  }

  @Test
  void throwingScriptFailsWithItsErrorAndLineThenTheNextMessagePasses() throws Exception {
    try (GraalJsMessageTransform t = hostile(BUDGET)) {
      assertThat(run(t, "{\"kind\":\"throw\"}"))
          .isEqualTo(
              new TransformResult.Failed("process threw Error: no kind throw at hostile.js:4"));
      assertThat(run(t, "{\"kind\":\"ok\"}")).isInstanceOf(TransformResult.Transformed.class);
    }
  }

  @Test
  void nonJsonStringAndNonStringReturnsFail() throws Exception {
    try (GraalJsMessageTransform t = hostile(BUDGET)) {
      assertThat(run(t, "{\"kind\":\"text\"}"))
          .isEqualTo(
              new TransformResult.Failed(
                  "process returned a string that is not JSON: Unrecognized token 'not': was"
                      + " expecting (JSON String, Number, Array, Object or token 'null', 'true' or"
                      + " 'false')"));
      assertThat(run(t, "{\"kind\":\"object\"}"))
          .isEqualTo(new TransformResult.Failed("process returned an object, not a JSON string"));
    }
  }

  @Test
  void endlessLoopRunsOutOfBudgetThenTheNextMessagePasses() throws Exception {
    try (GraalJsMessageTransform t = hostile(BUDGET)) {
      TransformResult loop = run(t, "{\"kind\":\"loop\"}");
      assertThat(loop).isInstanceOf(TransformResult.Failed.class);
      assertThat(((TransformResult.Failed) loop).reason())
          .startsWith("process ran out of its budget (")
          .contains("10000");
      assertTheNextMessagePasses(t);
    }
  }

  static Stream<Arguments> budgetsRunPast() {
    String allocated =
        "process allocated more than its budget of 67108864 bytes"
            + " (transform.javascript.maxAllocatedBytes)";
    return Stream.of(
        Arguments.of(
            "redos",
            new ScriptBudget(10_000, Duration.ofMillis(300), 256L * 1024 * 1024),
            "process ran past its time budget of 300 ms (transform.javascript.maxMillis)"),
        Arguments.of(
            "fill", new ScriptBudget(10_000, Duration.ofMinutes(1), 64L * 1024 * 1024), allocated),
        Arguments.of(
            "strings",
            new ScriptBudget(Long.MAX_VALUE, Duration.ofMinutes(1), 64L * 1024 * 1024),
            allocated));
  }

  /**
   * A catastrophic regex runs past the time budget; a big built-in call, and growing strings under
   * a high statement budget, allocate past the memory budget.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("budgetsRunPast")
  void scriptPastABudgetFailsNamingItThenTheNextMessagePasses(
      String kind, ScriptBudget budget, String reason) throws Exception {
    try (GraalJsMessageTransform t = hostile(budget)) {
      assertThat(run(t, "{\"kind\":\"" + kind + "\"}"))
          .isEqualTo(new TransformResult.Failed(reason));
      assertTheNextMessagePasses(t);
    }
  }

  @Test
  void javaLangSystemIsOutOfReach() throws Exception {
    try (GraalJsMessageTransform t = hostile(BUDGET)) {
      assertThat(run(t, "{\"kind\":\"java\"}"))
          .isEqualTo(
              new TransformResult.Failed(
                  "process threw TypeError: Access to host class java.lang.System is not allowed"
                      + " or does not exist. at hostile.js:16"));
    }
  }

  @Test
  void hugeStringIsRefusedNotAllocated() throws Exception {
    try (GraalJsMessageTransform t = hostile(BUDGET)) {
      TransformResult huge = run(t, "{\"kind\":\"huge\"}");
      assertThat(huge).isInstanceOf(TransformResult.Failed.class);
      assertThat(((TransformResult.Failed) huge).reason()).startsWith("process threw RangeError");
      assertThat(run(t, "{\"kind\":\"ok\"}")).isInstanceOf(TransformResult.Transformed.class);
    }
  }

  @Test
  void scriptThatDoesNotCompileIsAConfigErrorWithItsLine() {
    assertThatThrownBy(() -> GraalJsMessageTransform.open(udf("broken.js"), "process", BUDGET))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("transform.javascript.path")
        .hasMessageContaining("broken.js:2");
  }

  @Test
  void scriptReadElsewhereIsNamedByItsLocationAndItsLastSegmentInLines() throws Exception {
    assertThatThrownBy(
            () ->
                GraalJsMessageTransform.compile(
                    "gs://bucket/udf/broken.js",
                    "function process(s) {\n  var x = ;\n}\n",
                    "process",
                    BUDGET))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems().get(0).toString())
        .asString()
        .startsWith(
            "transform.javascript.path: gs://bucket/udf/broken.js does not compile: SyntaxError:"
                + " broken.js:2:10 Expected an operand but found ;")
        .endsWith(" at broken.js:2");
    try (GraalJsMessageTransform t =
        GraalJsMessageTransform.compile(
            "gs://bucket/udf/enrich.js", Files.readString(udf("enrich.js")), "process", BUDGET)) {
      assertThat(run(t, "{\"price\":2,\"quantity\":3}"))
          .isEqualTo(
              new TransformResult.Transformed(
                  "{\"price\":2,\"quantity\":3,\"dataFeed\":\"Real-time Transactions\","
                      + "\"total\":6}",
                  Map.of("k", "v")));
    }
  }

  @Test
  void missingFunctionIsAConfigErrorNamingTheKey() {
    assertThatThrownBy(() -> GraalJsMessageTransform.open(udf("enrich.js"), "transform", BUDGET))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("transform.javascript.functionName")
        .hasMessageContaining("no function 'transform'");
  }

  @Test
  void concurrentCallersEachGetTheirOwnResult() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (GraalJsMessageTransform t =
        GraalJsMessageTransform.open(udf("enrich.js"), "process", BUDGET)) {
      List<Future<TransformResult>> results = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        int q = i;
        results.add(pool.submit(() -> run(t, "{\"price\":1,\"quantity\":" + q + "}")));
      }
      for (int i = 0; i < 200; i++) {
        assertThat(((TransformResult.Transformed) results.get(i).get()).payload())
            .isEqualTo(
                "{\"price\":1,\"quantity\":"
                    + i
                    + ",\"dataFeed\":\"Real-time Transactions\",\"total\":"
                    + i
                    + "}");
      }
    } finally {
      pool.shutdownNow();
    }
  }
}

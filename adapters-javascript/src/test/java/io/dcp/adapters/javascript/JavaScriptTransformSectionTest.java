package io.dcp.adapters.javascript;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.config.ConfigLoader;
import io.dcp.core.config.ConfigLoads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code transform.javascript} section this module owns, read through the config loader. */
@Timeout(30)
class JavaScriptTransformSectionTest {
  private static final String MINIMAL = ConfigLoads.MINIMAL;

  @TempDir Path dir;

  private ConfigLoads loads() {
    return ConfigLoads.with(dir, JavaScriptTransformSection.INSTANCE);
  }

  @Test
  void transformSectionDefaultsToNoScriptAndNamesEachBadKey() throws Exception {
    assertThat(loads().load(MINIMAL).section(JavaScriptTransformSection.INSTANCE)).isEmpty();

    assertThat(
            loads()
                .problems(
                    MINIMAL
                        + "transform:\n  javascript:\n    path: udf/missing.js\n"
                        + "    functionName: 'my-udf'\n    maxStatements: 0\n    maxMillis: 0\n"
                        + "    maxAllocatedBytes: -1\n"))
        .containsExactly(
            "transform.javascript.functionName: 'my-udf' is not a JavaScript function name:"
                + " write the name the script declares, e.g. process",
            "transform.javascript.maxAllocatedBytes: '-1' is not a whole number greater"
                + " than 0",
            "transform.javascript.maxMillis: '0' is not a whole number greater than 0",
            "transform.javascript.maxStatements: '0' is not a whole number greater than 0",
            "transform.javascript.path: 'udf/missing.js' is not a readable file: give the"
                + " local path or the gs:// URI of the UDF script");
  }

  @Test
  void aBadFunctionNameIsReportedWithoutAScriptToo() {
    assertThat(loads().problems(MINIMAL, "transform.javascript.functionName=my-udf"))
        .containsExactly(
            "transform.javascript.functionName: 'my-udf' is not a JavaScript function name:"
                + " write the name the script declares, e.g. process");
  }

  @Test
  void gsScriptIsLeftToTheRunnerThatReadsItWithTheBudgetOfDefaultsYaml() throws Exception {
    assertThat(
            loads()
                .load(MINIMAL + "transform:\n  javascript:\n    path: gs://bucket/udf/enrich.js\n")
                .section(JavaScriptTransformSection.INSTANCE))
        .contains(
            new JavaScriptTransformSettings(
                "gs://bucket/udf/enrich.js",
                "process",
                new ScriptBudget(100_000, Duration.ofMillis(1_000), 268_435_456)));
    assertThat(ConfigLoader.defaults())
        .containsEntry("transform.javascript.functionName", "process")
        .containsEntry("transform.javascript.maxStatements", "100000")
        .containsEntry("transform.javascript.maxMillis", "1000")
        .containsEntry("transform.javascript.maxAllocatedBytes", "268435456");
  }

  @Test
  void aReadableLocalScriptIsTheTransform() throws Exception {
    Path script = Files.writeString(dir.resolve("udf.js"), "function process(m) { return m; }");

    assertThat(
            loads()
                .load(
                    MINIMAL,
                    "transform.javascript.path=" + script,
                    "transform.javascript.maxMillis=50")
                .section(JavaScriptTransformSection.INSTANCE)
                .map(JavaScriptTransformSettings::budget))
        .contains(new ScriptBudget(100_000, Duration.ofMillis(50), 268_435_456));
  }
}

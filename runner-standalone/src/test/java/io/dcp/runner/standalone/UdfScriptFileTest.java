package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import io.dcp.adapters.javascript.JavaScriptTransformSettings;
import io.dcp.adapters.javascript.ScriptBudget;
import io.dcp.core.config.ConfigException;
import io.dcp.core.model.Message;
import io.dcp.core.port.TransformResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * gs:// UDF scripts for {@code dcp}, read with Google's storage client from Google's in-memory
 * Cloud Storage ({@link LocalStorageHelper}).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class UdfScriptFileTest {
  private static final Path ENRICH = Path.of("../examples/transforms/enrich.js");
  private static final ScriptBudget BUDGET =
      new ScriptBudget(10_000, Duration.ofMillis(1_000), 268_435_456);

  private final Storage storage = LocalStorageHelper.getOptions().getService();

  @Test
  void gsScriptIsReadFromTheBucketAndRunsAsTheTemplatesUdf() throws Exception {
    storage.create(
        BlobInfo.newBuilder(BlobId.of("udfs", "transforms/enrich.js")).build(),
        Files.readAllBytes(ENRICH));
    String json = "{\"item\":\"pen\",\"price\":2.5,\"quantity\":4}";

    try (TransformStep step =
        TransformStep.open(
            Optional.of(
                new JavaScriptTransformSettings(
                    "gs://udfs/transforms/enrich.js", "process", BUDGET)),
            storage)) {
      assertThat(
              step.transform()
                  .orElseThrow()
                  .transform(
                      Message.of("m1", json.getBytes(StandardCharsets.UTF_8), Instant.EPOCH), json))
          .isEqualTo(
              new TransformResult.Transformed(
                  "{\"item\":\"pen\",\"price\":2.5,\"quantity\":4,"
                      + "\"dataFeed\":\"Real-time Transactions\",\"total\":10}",
                  Map.of()));
    }
  }

  @Test
  void gsScriptThatDoesNotCompileNamesItsObjectAndLine() {
    storage.create(
        BlobInfo.newBuilder(BlobId.of("udfs", "broken.js")).build(),
        "function process(inJson) {\n  var x = ;\n}\n".getBytes(StandardCharsets.UTF_8));

    assertThatThrownBy(
            () ->
                TransformStep.open(
                    Optional.of(
                        new JavaScriptTransformSettings("gs://udfs/broken.js", "process", BUDGET)),
                    storage))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems().get(0).toString())
        .asString()
        .startsWith(
            "transform.javascript.path: gs://udfs/broken.js does not compile: SyntaxError:"
                + " broken.js:2:10 Expected an operand but found ;")
        .endsWith(" at broken.js:2");
  }

  @Test
  void missingObjectAndAUriWithoutObjectAreConfigErrorsNamingTheKey() {
    assertThatThrownBy(() -> UdfScriptFile.read("gs://udfs/missing.js", storage))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems().get(0).toString())
        .isEqualTo("transform.javascript.path: gs://udfs/missing.js does not exist");
    assertThatThrownBy(() -> UdfScriptFile.read("gs://udfs", storage))
        .isInstanceOf(ConfigException.class)
        .extracting(e -> ((ConfigException) e).problems().get(0).toString())
        .isEqualTo(
            "transform.javascript.path: gs://udfs is not a Cloud Storage object: write"
                + " gs://BUCKET/PATH.js");
  }

  @Test
  void localPathIsReadAsAFile() throws Exception {
    assertThat(UdfScriptFile.read(ENRICH.toString(), null)).isEqualTo(Files.readString(ENRICH));
  }
}

package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.runner.standalone.process.TransformRunConfig;
import io.dcp.testing.process.DcpProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The packaged dcp.jar runs a JavaScript transform: GraalJS and its sandbox survive shading. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class TransformIT {
  @TempDir Path dir;

  @Test
  void packagedJarTransformsFiltersAndDeadLettersWithTheSandboxOn() throws Exception {
    Path udf = TransformRunConfig.udf(dir, "hostile.js");
    Path config =
        TransformRunConfig.write(
            dir,
            """
            {"kind":"ok","n":1}
            {"kind":"loop"}
            {"kind":"ok","n":2}
            {"kind":"java"}
            {"kind":"ok","n":3}
            """,
            "[{\"name\":\"kind\",\"type\":\"STRING\"},{\"name\":\"n\",\"type\":\"INT64\"}]",
            udf);

    DcpProcess dcp = DcpProcess.start(config, dir.resolve("dcp.log"), 0);
    dcp.await(() -> !dcp.isAlive(), Duration.ofMinutes(3));

    assertThat(dcp.log()).contains("5 messages, 3 rows written").contains("2 dead letters");
    assertThat(TransformRunConfig.database(dir).column("SELECT kind || n FROM events ORDER BY n"))
        .containsExactly("ok1", "ok2", "ok3");
    assertThat(
            TransformRunConfig.database(dir)
                .column("SELECT message_id || ' ' || stage FROM dead_letters ORDER BY message_id"))
        .containsExactly("in.ndjson:2 transform", "in.ndjson:4 transform");
  }
}

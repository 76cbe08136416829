package io.dcp.adapters.ndjson;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.config.ConfigLoads;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code source.ndjson} section this module owns, read through the config loader. */
@Timeout(30)
class NdjsonSourceSectionTest {
  @TempDir Path dir;

  private ConfigLoads loads() {
    return ConfigLoads.with(dir, NdjsonSourceSection.INSTANCE);
  }

  @Test
  void readsThePathsAndFillsTheAttemptsFromDefaultsYaml() throws ConfigException {
    assertThat(loads().load(ConfigLoads.MINIMAL).section(NdjsonSourceSection.INSTANCE))
        .contains(new NdjsonSourceSettings(List.of("events.ndjson"), 5));
    assertThat(ConfigLoader.defaults()).containsEntry("source.ndjson.maxAttempts", "5");
  }

  @Test
  void thePathsAreRequiredOnlyWhenTheSourceIsNdjson() throws ConfigException {
    assertThat(loads().problems(null, "table.id=quotes", "table.schema=s.json"))
        .containsExactly(
            "source.ndjson.paths: required: list the NDJSON files to read, or \"-\" for standard"
                + " input");
    assertThat(
            loads()
                .load(null, "source.type=http", "table.id=quotes", "table.schema=s.json")
                .section(NdjsonSourceSection.INSTANCE))
        .isEmpty();
  }

  @Test
  void aBadAttemptCountIsReportedWhicheverSourceIsChosen() {
    assertThat(
            loads()
                .problems(
                    null,
                    "source.type=http",
                    "source.ndjson.maxAttempts=0",
                    "table.id=quotes",
                    "table.schema=s.json"))
        .containsExactly("source.ndjson.maxAttempts: '0' is not a whole number greater than 0");
  }
}

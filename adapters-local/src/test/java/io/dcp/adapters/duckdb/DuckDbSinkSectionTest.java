package io.dcp.adapters.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoads;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code sink.duckdb} section this module owns, read through the config loader. */
@Timeout(30)
class DuckDbSinkSectionTest {
  private static final String BASE = ConfigLoads.OPEN_TABLE;

  @TempDir Path dir;

  private ConfigLoads loads() {
    return ConfigLoads.with(dir, DuckDbSinkSection.INSTANCE);
  }

  @Test
  void anEmptySectionGivesTheFileOfDefaultsYaml() throws ConfigException {
    assertThat(loads().load(BASE + "  id: quotes\n").section(DuckDbSinkSection.INSTANCE))
        .contains(new DuckDbSinkSettings("dcp.duckdb"));
  }

  @Test
  void flagsOverrideTheEnvironmentWhichOverridesTheFile() throws ConfigException {
    String yaml = BASE + "  id: quotes\nsink:\n  duckdb:\n    path: file.duckdb\n";
    ConfigLoads fromEnvironment = loads().environment(Map.of("DCP_SINK_DUCKDB_PATH", "env.duckdb"));

    assertThat(fromEnvironment.load(yaml).section(DuckDbSinkSection.INSTANCE))
        .contains(new DuckDbSinkSettings("env.duckdb"));
    assertThat(
            fromEnvironment
                .load(yaml, "sink.duckdb.path=flag.duckdb")
                .section(DuckDbSinkSection.INSTANCE))
        .contains(new DuckDbSinkSettings("flag.duckdb"));
  }

  @Test
  void theSectionIsEmptyWhenTheSinkIsBigQuery() throws ConfigException {
    assertThat(
            loads()
                .load(
                    BASE + "  id: quotes\n", "sink.type=bigquery", "sink.bigquery.project=proj-one")
                .section(DuckDbSinkSection.INSTANCE))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"quotes", "QUOTES"})
  void aDeadLetterTableThatIsTheDestinationIsAConfigErrorNamingBothKeys(String deadLetterTable) {
    String yaml = BASE + "  id: quotes\ndeadLetter:\n  table: \"" + deadLetterTable + "\"\n";

    assertThat(loads().problems(yaml))
        .containsExactly(
            "deadLetter.table: '"
                + deadLetterTable
                + "' is also table.id ('quotes'): dead letters need a table of their own, e.g."
                + " quotes_dead_letters");
  }

  @Test
  void aDeadLetterTableThatIsARoutedTableIsAConfigError() {
    String yaml =
        BASE
            + "  id: quotes\n  route: events_${attr:type}\n  schemas:\n    events_bad: b.json\n"
            + "deadLetter:\n  table: events_bad\n";

    assertThat(loads().problems(yaml))
        .containsExactly(
            "deadLetter.table: 'events_bad' is also table.schemas.events_bad ('events_bad'):"
                + " dead letters need a table of their own, e.g. events_bad_dead_letters");
  }
}

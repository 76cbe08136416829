package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.config.ConfigLoads;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code sink.bigquery} section this module owns, read through the config loader. {@link
 * StorageWriteSettings#defaults} and {@code defaults.yaml} agree on the keys the config holds for
 * the sink ({@code sink.bigquery.project}, {@code sink.bigquery.endpoint}); the request size,
 * append timeout and reconnect window are no config keys, so the record is their one place.
 */
@Timeout(30)
class BigQuerySinkSectionTest {
  private static final String BASE = ConfigLoads.OPEN_TABLE;

  @TempDir Path dir;

  private ConfigLoads loads() {
    return ConfigLoads.with(dir, BigQuerySinkSection.INSTANCE);
  }

  @Test
  void anEmptyBigQuerySinkSectionGivesTheSettingsDefaults() throws ConfigException {
    BigQueryWarehouseSettings settings =
        loads()
            .load(
                null,
                "source.ndjson.paths=events.ndjson",
                "sink.type=bigquery",
                "sink.bigquery.project=my-project",
                "table.id=market.quotes",
                "table.schema=q.json")
            .section(BigQuerySinkSection.INSTANCE)
            .orElseThrow();

    StorageWriteSettings defaults = StorageWriteSettings.defaults("my-project");
    assertThat(settings.storageWrite()).isEqualTo(defaults);
    assertThat(settings.restEndpoint()).isEmpty();
    assertThat(ConfigLoader.defaults())
        .containsEntry("sink.bigquery.project", "")
        .containsEntry("sink.bigquery.endpoint", defaults.endpoint())
        .containsEntry("sink.bigquery.restEndpoint", "");
  }

  @Test
  void readsTheEndpointsForTests() throws ConfigException {
    BigQueryWarehouseSettings settings =
        loads()
            .load(
                BASE + "  id: ds.quotes\n",
                "sink.type=bigquery",
                "sink.bigquery.project=my-project",
                "sink.bigquery.endpoint=127.0.0.1:9060",
                "sink.bigquery.restEndpoint=http://127.0.0.1:9050")
            .section(BigQuerySinkSection.INSTANCE)
            .orElseThrow();

    assertThat(settings)
        .isEqualTo(
            BigQueryWarehouseSettings.of("my-project", "127.0.0.1:9060", "http://127.0.0.1:9050"));
  }

  @Test
  void theProjectIsRequiredOnlyWhenTheSinkIsBigQuery() throws ConfigException {
    assertThat(loads().problems(BASE + "  id: ds.quotes\n", "sink.type=bigquery"))
        .containsExactly(
            "sink.bigquery.project: required when sink.type is bigquery: the project id");
    assertThat(loads().load(BASE + "  id: quotes\n").section(BigQuerySinkSection.INSTANCE))
        .isEmpty();
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiterString = " | ",
      textBlock =
          """
          proj-one.ds.quotes    | ds.quotes
          proj-one:ds.quotes    | proj-one.ds.quotes
          ds.quotes             | proj-one.ds.quotes
          """)
  void aDeadLetterTableThatIsTheDestinationIsAConfigErrorNamingBothKeys(
      String tableId, String deadLetterTable) {
    String yaml =
        BASE
            + "  id: \""
            + tableId
            + "\"\nsink:\n  type: bigquery\n  bigquery:\n    project: proj-one\n"
            + "deadLetter:\n  table: \""
            + deadLetterTable
            + "\"\n";

    assertThat(loads().problems(yaml))
        .containsExactly(
            "deadLetter.table: '"
                + deadLetterTable
                + "' is also table.id ('"
                + tableId
                + "'): dead letters need a table of their own, e.g. quotes_dead_letters");
  }

  @Test
  void aDeadLetterTableOfTheSameNameInAnotherDatasetOrProjectIsAccepted() {
    String yaml =
        BASE
            + "  id: proj-one.ds.quotes\nsink:\n  type: bigquery\n  bigquery:\n    project: proj-one\n"
            + "deadLetter:\n  table: proj-two.ds.quotes\n";

    assertThat(loads().problems(yaml)).isEmpty();
    assertThat(loads().problems(yaml.replace("proj-two.ds.quotes", "other.quotes"))).isEmpty();
  }
}

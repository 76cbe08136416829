package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.config.DcpConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link StorageWriteSettings#defaults} and {@code defaults.yaml} agree on the keys the config
 * holds for the sink ({@code sink.bigquery.project}, {@code sink.bigquery.endpoint}); the request
 * size, append timeout and reconnect window are no config keys, so the record is their one place.
 */
@Timeout(30)
class StorageWriteSettingsDefaultsTest {
  @Test
  void anEmptyBigQuerySinkSectionGivesTheSettingsDefaults() throws ConfigException {
    DcpConfig config =
        new ConfigLoader(Map.of())
            .load(
                null,
                List.of(
                    "source.ndjson.paths=events.ndjson",
                    "sink.type=bigquery",
                    "sink.bigquery.project=my-project",
                    "table.id=market.quotes",
                    "table.schema=q.json"));

    StorageWriteSettings defaults = StorageWriteSettings.defaults("my-project");
    assertThat(defaults.withEndpoint(config.sink().bigqueryEndpoint())).isEqualTo(defaults);
    assertThat(defaults.project()).isEqualTo(config.sink().bigqueryProject());
    assertThat(ConfigLoader.defaults())
        .containsEntry("sink.bigquery.project", "")
        .containsEntry("sink.bigquery.endpoint", defaults.endpoint());
  }
}

package io.dcp.adapters.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoads;
import io.dcp.core.config.DcpConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code source.http} section this module owns, read through the config loader. */
@Timeout(30)
class HttpSourceSectionTest {
  private static final String[] HTTP = {
    "source.type=http", "table.id=quotes", "table.schema=q.json"
  };

  @TempDir Path dir;

  private ConfigLoads loads() {
    return ConfigLoads.with(dir, HttpSourceSection.INSTANCE);
  }

  @Test
  void anEmptySectionGivesTheDefaultsOfDefaultsYaml() throws ConfigException {
    assertThat(loads().load(null, HTTP).section(HttpSourceSection.INSTANCE))
        .contains(
            new HttpSourceSettings(
                "127.0.0.1", 8085, List.of(), 16_777_216, "", Duration.ofSeconds(60)));
  }

  @Test
  void neverPrintsTheTokenOfThePublishEndpoint() throws Exception {
    DcpConfig config =
        loads().environment(Map.of("DCP_SOURCE_HTTP_TOKEN", "t0ps3cret")).load(null, HTTP);

    HttpSourceSettings http = config.section(HttpSourceSection.INSTANCE).orElseThrow();
    assertThat(http.token()).isEqualTo("t0ps3cret");
    assertThat(http.toString()).doesNotContain("t0ps3cret").contains("token=****");
    assertThat(config.toString()).doesNotContain("t0ps3cret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"1ms", "0s", "PT-1S", "2h"})
  void anHttpAckTimeoutOutsideOneSecondToOneHourIsAProblem(String timeout) {
    assertThat(loads().problems(null, with(HTTP, "source.http.ackTimeout=" + timeout)))
        .isEqualTo(
            List.of(
                "source.http.ackTimeout: '"
                    + timeout
                    + "' is outside 1s to 1h: a request waits this long for its messages to be"
                    + " committed"));
  }

  @Test
  void aPublishEndpointOnTheAdminPortIsAConfigError() {
    String merged =
        """
        source:
          type: http
          http:
            port: 8081
        table:
          id: quotes
          schema: schema.json
        """;
    assertThat(loads().problems(merged))
        .containsExactly(
            "source.http.port: 8081 is admin.port too: the publish endpoint and the admin server"
                + " need ports of their own");
    assertThat(loads().problems(merged, "admin.enabled=false")).isEmpty();
    assertThat(loads().problems(merged, "admin.port=8082")).isEmpty();
    // Only a source that serves HTTP needs the port.
    assertThat(loads().problems(merged, "source.type=ndjson")).isEmpty();
  }

  private static String[] with(String[] sets, String set) {
    String[] all = java.util.Arrays.copyOf(sets, sets.length + 1);
    all[sets.length] = set;
    return all;
  }
}

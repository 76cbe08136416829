package io.dcp.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(30)
class ConfigTypesTest {
  private static DcpConfig load(String... sets) throws ConfigException {
    List<String> all =
        new java.util.ArrayList<>(
            List.of("source.ndjson.paths=events.ndjson", "table.id=quotes", "table.schema=s.json"));
    all.addAll(List.of(sets));
    return new ConfigLoader(Map.of()).load(null, all);
  }

  @ParameterizedTest
  @ValueSource(strings = {"ndjson", "http", "pubsub"})
  void aSourceTypeIsNamedAsSourceTypeSpellsIt(String name) {
    assertThat(SourceType.named(name).name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"duckdb", "bigquery"})
  void aSinkTypeIsNamedAsSinkTypeSpellsIt(String name) {
    assertThat(SinkType.named(name).name()).isEqualTo(name);
  }

  @ParameterizedTest
  @ValueSource(strings = {"table", "pubsub-topic"})
  void aDeadLetterTypeIsNamedAsDeadLetterTypeSpellsIt(String name) {
    assertThat(DeadLetterType.named(name).name()).isEqualTo(name);
  }

  @Test
  void aNameNoTypeHasIsRefused() {
    assertThatThrownBy(() -> SourceType.named("kafka"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a source.type: kafka");
    assertThatThrownBy(() -> SinkType.named("Duckdb"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a sink.type: Duckdb");
    assertThatThrownBy(() -> DeadLetterType.named("duckdb-table"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("not a deadLetter.type: duckdb-table");
  }

  @Test
  void theDefaultsAreAnNdjsonSourceADuckDbSinkAndADeadLetterTable() throws ConfigException {
    DcpConfig config = load();
    assertThat(config.source().kind()).isEqualTo(SourceType.NDJSON);
    assertThat(config.sink().kind()).isEqualTo(SinkType.DUCKDB);
    assertThat(config.deadLetter().kind()).isEqualTo(DeadLetterType.TABLE);
    assertThat(config.source().type()).isEqualTo("ndjson");
    assertThat(config.sink().type()).isEqualTo("duckdb");
    assertThat(config.deadLetter().type()).isEqualTo("table");
  }

  @Test
  void theTypesAreReadCaseInsensitivelyAndAWarehouseTableIsATable() throws ConfigException {
    DcpConfig config =
        load(
            "source.type=HTTP",
            "sink.type=BigQuery",
            "sink.bigquery.project=my-project",
            "deadLetter.type=bigquery-table",
            "deadLetter.table=ds.dead_letters",
            "table.id=my-project.ds.quotes");
    assertThat(config.source().kind()).isInstanceOf(SourceType.Http.class);
    assertThat(config.sink().kind()).isInstanceOf(SinkType.BigQuery.class);
    assertThat(config.deadLetter().kind()).isInstanceOf(DeadLetterType.Table.class);
    assertThat(config.deadLetter().type()).isEqualTo("table");
  }

  @Test
  void aPubSubSourceAndTopicAreTheirTypes() throws ConfigException {
    DcpConfig config =
        load(
            "source.type=pubsub",
            "source.pubsub.subscription=projects/my-project/subscriptions/quotes",
            "deadLetter.type=pubsub-topic",
            "deadLetter.pubsub.topic=projects/my-project/topics/dead-letters");
    assertThat(config.source().kind()).isEqualTo(SourceType.PUBSUB);
    assertThat(config.deadLetter().kind()).isEqualTo(DeadLetterType.PUBSUB_TOPIC);
  }
}

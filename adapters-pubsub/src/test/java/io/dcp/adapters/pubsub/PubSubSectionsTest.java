package io.dcp.adapters.pubsub;

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

/**
 * The {@code source.pubsub} and {@code deadLetter.pubsub} sections this module owns: read through
 * the config loader with core's sections, their problems in the same report, and their defaults
 * those of {@code defaults.yaml}.
 */
@Timeout(60)
class PubSubSectionsTest {
  @TempDir Path dir;

  private ConfigLoads loads() {
    return ConfigLoads.with(dir, PubSubSourceSection.INSTANCE, PubSubDeadLetterSection.INSTANCE);
  }

  @Test
  void readsAPubSubToBigQueryConfig() throws Exception {
    String yaml =
        """
            source:
              type: pubsub
              pubsub:
                subscription: projects/my-project/subscriptions/quotes-dcp
                parallelPullCount: 2
            sink:
              type: bigquery
              bigquery:
                project: my-project
            deadLetter:
              type: pubsub-topic
              pubsub:
                topic: projects/my-project/topics/quotes-dead-letters
            table:
              id: my-project.market.quotes
              schema: quotes.json
            """;

    DcpConfig config = loads().load(yaml);

    assertThat(config.section(PubSubSourceSection.INSTANCE))
        .contains(
            PubSubSourceSettings.defaults("projects/my-project/subscriptions/quotes-dcp")
                .withParallelism(2, 4));
    assertThat(config.section(PubSubSourceSection.INSTANCE).orElseThrow().maxAckExtension())
        .isEqualTo(Duration.ofMinutes(60));
    assertThat(config.section(PubSubDeadLetterSection.INSTANCE))
        .contains(
            PubSubDeadLetterSettings.defaults("projects/my-project/topics/quotes-dead-letters"));
  }

  @Test
  void anEmptyConfigGivesTheSourceSettingsDefaults() throws ConfigException {
    DcpConfig config =
        loads()
            .load(
                null,
                "source.type=pubsub",
                "source.pubsub.subscription=projects/my-project/subscriptions/quotes",
                "table.id=quotes",
                "table.schema=q.json");

    assertThat(config.section(PubSubSourceSection.INSTANCE))
        .contains(PubSubSourceSettings.defaults("projects/my-project/subscriptions/quotes"));
    assertThat(config.section(PubSubDeadLetterSection.INSTANCE)).isEmpty();
  }

  @Test
  void anEmptyConfigGivesTheDeadLetterSettingsDefaults() throws ConfigException {
    DcpConfig config =
        loads()
            .load(
                null,
                "source.ndjson.paths=events.ndjson",
                "deadLetter.type=pubsub-topic",
                "deadLetter.pubsub.topic=projects/my-project/topics/dead-letters",
                "table.id=quotes",
                "table.schema=q.json");

    assertThat(config.section(PubSubDeadLetterSection.INSTANCE))
        .contains(PubSubDeadLetterSettings.defaults("projects/my-project/topics/dead-letters"));
    assertThat(config.section(PubSubSourceSection.INSTANCE)).isEmpty();
    // dcp replay's store takes only the endpoint from the section.
    PubSubDeadLetterStoreSettings store =
        PubSubDeadLetterStoreSettings.defaults("projects/my-project/subscriptions/dead-letters");
    assertThat(
            store.withEndpoint(
                config.section(PubSubDeadLetterSection.INSTANCE).orElseThrow().endpoint()))
        .isEqualTo(store);
  }

  @Test
  void theSubscriptionAndTheTopicAreRequiredOnlyWhenTheirTypeIsChosen() throws ConfigException {
    assertThat(
            loads()
                .load(null, "source.ndjson.paths=e.ndjson", "table.id=q", "table.schema=s")
                .section(PubSubSourceSection.INSTANCE))
        .isEmpty();
    assertThat(
            loads()
                .problems(
                    null,
                    "source.type=pubsub",
                    "deadLetter.type=pubsub-topic",
                    "deadLetter.pubsub.maxBatchDelay=soon",
                    "table.id=quotes",
                    "table.schema=q.json"))
        .isEqualTo(
            List.of(
                "deadLetter.pubsub.maxBatchDelay: 'soon' is not a duration such as 200ms, 30s, 5m"
                    + " or 1h",
                "deadLetter.pubsub.topic: required: the full name, projects/PROJECT/topics/NAME",
                "source.pubsub.subscription: required: the full name,"
                    + " projects/PROJECT/subscriptions/NAME"));
  }

  @Test
  void rejectsPubSubNamesAndDeadLetterTypesWithTheRuleAndTheFix() throws Exception {
    String yaml =
        """
            source:
              type: pubsub
              pubsub:
                subscription: quotes-dcp
            deadLetter:
              type: bigquery-table
            table:
              id: quotes
              schema: quotes.json
              clustering: [a, b, c, d, e]
              partitionColumn: ts
            """;

    assertThat(
            loads()
                .problems(
                    yaml,
                    "deadLetter.pubsub.topic=projects/my-project/topics/goog-x",
                    "source.pubsub.endpoint=127.0.0.1:8085"))
        .isEqualTo(
            List.of(
                "deadLetter.type: bigquery-table needs sink.type bigquery; dead-letter tables live"
                    + " in the sink's warehouse: use table",
                "source.pubsub.subscription: 'quotes-dcp' is not a full name: write"
                    + " projects/PROJECT/subscriptions/NAME",
                "table.clustering: BigQuery allows at most 4 clustering columns, 5 are listed",
                "table.partitionColumn: set table.partitioning (hour, day, month or year) to"
                    + " partition on ts"));

    assertThat(
            loads()
                .problems(
                    null,
                    "source.type=pubsub",
                    "source.pubsub.subscription=projects/x/subscriptions/ok-name",
                    "deadLetter.type=pubsub-topic",
                    "deadLetter.pubsub.topic=projects/my-project/topics/goog-x",
                    "table.id=quotes",
                    "table.schema=q.json"))
        .isEqualTo(
            List.of(
                "deadLetter.pubsub.topic: 'goog-x' breaks Pub/Sub's naming rules: 3 to 255"
                    + " characters from letters, digits and - _ . ~ + %, starting with a letter"
                    + " and not with goog",
                "source.pubsub.subscription: 'x' is not a Google Cloud project id (any id works"
                    + " with an emulator: set source.pubsub.endpoint or PUBSUB_EMULATOR_HOST)"));
  }

  @Test
  void emulatorProjectIdsPassWithAnEndpointOrPubsubEmulatorHost() throws ConfigException {
    List<String> flags =
        List.of(
            "source.type=pubsub",
            "source.pubsub.subscription=projects/local/subscriptions/quotes-dcp",
            "table.id=quotes",
            "table.schema=q.json");
    List<String> withEndpoint = new java.util.ArrayList<>(flags);
    withEndpoint.add("source.pubsub.endpoint=127.0.0.1:8681");

    assertThat(
            loads()
                .loader()
                .load(null, withEndpoint)
                .section(PubSubSourceSection.INSTANCE)
                .map(PubSubSourceSettings::subscription))
        .contains("projects/local/subscriptions/quotes-dcp");
    assertThat(
            loads()
                .environment(Map.of("PUBSUB_EMULATOR_HOST", "127.0.0.1:8681"))
                .loader()
                .load(null, flags)
                .section(PubSubSourceSection.INSTANCE)
                .map(PubSubSourceSettings::subscription))
        .contains("projects/local/subscriptions/quotes-dcp");
  }
}

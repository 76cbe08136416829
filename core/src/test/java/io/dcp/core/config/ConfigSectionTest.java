package io.dcp.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A section another module owns is read by the loader, its problems in the one report. */
@Timeout(30)
class ConfigSectionTest {
  /** What an owning module's section reads in these tests. */
  record Pull(String subscription, int parallelPullCount, Duration maxAckExtension) {}

  /** A section over {@code source.pubsub}, read only when {@code source.type} is pubsub. */
  static final class PullSection extends ChosenSection<Pull> {
    static final PullSection INSTANCE = new PullSection();

    private PullSection() {
      super("source.pubsub", r -> r.sourceType() instanceof SourceType.PubSub);
    }

    @Override
    protected Supplier<Pull> readKeys(SectionReader r) {
      String subscription = r.string("subscription");
      int parallelPullCount = r.positiveInt("parallelPullCount");
      Duration maxAckExtension = r.duration("maxAckExtension");
      return () -> new Pull(subscription, parallelPullCount, maxAckExtension);
    }

    @Override
    protected void check(SectionReader r) {
      if (r.string("subscription").isEmpty()) {
        r.problem("subscription", "required when source.type is pubsub");
      }
    }
  }

  private static final String[] TABLE = {"table.id=quotes", "table.schema=s.json"};

  @TempDir Path dir;

  private DcpConfig load(List<ConfigSection<?>> sections, String... sets) throws ConfigException {
    return loads(sections).load(null, withTable(sets));
  }

  private List<String> problems(List<ConfigSection<?>> sections, String... sets) {
    return loads(sections).problems(null, withTable(sets));
  }

  private ConfigLoads loads(List<ConfigSection<?>> sections) {
    return ConfigLoads.with(dir, sections.toArray(ConfigSection<?>[]::new));
  }

  private static String[] withTable(String... sets) {
    List<String> all = new java.util.ArrayList<>(List.of(TABLE));
    all.addAll(List.of(sets));
    return all.toArray(String[]::new);
  }

  @Test
  void theLoaderReadsAnOwnedSectionWithItsDefaultsAndOverrides() throws ConfigException {
    DcpConfig config =
        load(
            List.of(PullSection.INSTANCE),
            "source.type=pubsub",
            "source.pubsub.subscription=projects/p/subscriptions/s",
            "source.pubsub.parallelPullCount=3");

    assertThat(config.section(PullSection.INSTANCE))
        .contains(new Pull("projects/p/subscriptions/s", 3, Duration.ofMinutes(60)));
  }

  @Test
  void anOwnedSectionSeesTheSourceTypeCoreRead() throws ConfigException {
    DcpConfig config = load(List.of(PullSection.INSTANCE), "source.ndjson.paths=events.ndjson");

    assertThat(config.section(PullSection.INSTANCE)).isEmpty();
  }

  @Test
  void aSectionTheConfigDoesNotChooseStillReportsItsBadValuesButNotItsRequiredKeys() {
    assertThat(problems(List.of(PullSection.INSTANCE), "source.pubsub.parallelPullCount=0"))
        .containsExactly(
            "source.pubsub.parallelPullCount: '0' is not a whole number greater than 0");
  }

  @Test
  void anOwnedSectionsProblemsComeInCoresReportUnderTheirFullKeys() {
    assertThat(
            problems(
                List.of(PullSection.INSTANCE),
                "source.type=pubsub",
                "source.pubsub.parallelPullCount=0",
                "source.pubsub.maxAckExtension=soon",
                "pipeline.maxBatchRows=-1"))
        .containsExactly(
            "pipeline.maxBatchRows: '-1' is not a whole number greater than 0",
            "source.pubsub.maxAckExtension: 'soon' is not a duration such as 200ms, 30s, 5m or 1h",
            "source.pubsub.parallelPullCount: '0' is not a whole number greater than 0",
            "source.pubsub.subscription: required when source.type is pubsub");
  }

  @Test
  void aSectionNobodyReadsIsNotCheckedButItsKeysAreStillKnown() throws ConfigException {
    DcpConfig config = load(List.of(), "source.type=pubsub", "source.pubsub.parallelPullCount=0");

    assertThatThrownBy(() -> config.section(PullSection.INSTANCE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the source.pubsub section was not read: hand it to the ConfigLoader");
    assertThat(problems(List.of(), "source.type=pubsub", "source.pubsub.parallelPullCont=2"))
        .containsExactly(
            "source.pubsub.parallelPullCont: unknown key; did you mean"
                + " 'source.pubsub.parallelPullCount'?");
  }

  @Test
  void aSectionMustBeOneOfDefaultsYaml() {
    ConfigSection<String> nowhere =
        new ConfigSection<>() {
          @Override
          public String prefix() {
            return "source.kafka";
          }

          @Override
          public String read(SectionReader reader) {
            return "";
          }
        };

    assertThatThrownBy(() -> new ConfigLoader(Map.of(), List.of(nowhere)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no section source.kafka in defaults.yaml: write its keys there first");
  }
}

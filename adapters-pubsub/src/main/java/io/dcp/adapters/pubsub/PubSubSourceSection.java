package io.dcp.adapters.pubsub;

import io.dcp.core.config.ChosenSection;
import io.dcp.core.config.SectionReader;
import io.dcp.core.config.SourceType;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The {@code source.pubsub} section, which this module owns: the settings of {@link
 * PubSubMessageSource}, present when {@code source.type} is {@code pubsub} and every key is right.
 * The subscription is required then. Flow control is not a key here: the runner bounds the pull
 * with {@code pipeline.maxInFlightMessages} and {@code maxInFlightBytes} ({@link
 * PubSubSourceSettings#withMaxOutstanding}); the section leaves the limits of {@link
 * PubSubSourceSettings#defaults}.
 */
public final class PubSubSourceSection extends ChosenSection<PubSubSourceSettings> {
  /** The one instance, handed to the config loader. */
  public static final PubSubSourceSection INSTANCE = new PubSubSourceSection();

  private PubSubSourceSection() {
    super("source.pubsub", r -> r.sourceType() instanceof SourceType.PubSub);
  }

  @Override
  protected Supplier<PubSubSourceSettings> readKeys(SectionReader r) {
    String subscription = r.string("subscription");
    String endpoint = r.string("endpoint");
    int parallelPullCount = r.positiveInt("parallelPullCount");
    int executorThreads = r.positiveInt("executorThreads");
    Duration maxAckExtension = r.duration("maxAckExtension");
    return () -> {
      PubSubSourceSettings defaults = PubSubSourceSettings.defaults(subscription);
      return new PubSubSourceSettings(
          subscription,
          endpoint,
          parallelPullCount,
          executorThreads,
          defaults.maxOutstandingMessages(),
          defaults.maxOutstandingBytes(),
          maxAckExtension);
    };
  }

  @Override
  protected void check(SectionReader r) {
    PubSubNameRules.check(r, "subscription", "subscriptions", "endpoint");
  }
}

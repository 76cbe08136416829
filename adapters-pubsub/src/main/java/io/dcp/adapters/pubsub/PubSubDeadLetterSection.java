package io.dcp.adapters.pubsub;

import io.dcp.core.config.ChosenSection;
import io.dcp.core.config.DeadLetterType;
import io.dcp.core.config.SectionReader;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The {@code deadLetter.pubsub} section, which this module owns: the settings of {@link
 * PubSubDeadLetterSink}, present when {@code deadLetter.type} is {@code pubsub-topic} and every key
 * is right. The topic is required then; {@code dcp replay} reads the same section for the endpoint
 * of the topic's subscription.
 */
public final class PubSubDeadLetterSection extends ChosenSection<PubSubDeadLetterSettings> {
  /** The one instance, handed to the config loader. */
  public static final PubSubDeadLetterSection INSTANCE = new PubSubDeadLetterSection();

  private PubSubDeadLetterSection() {
    super("deadLetter.pubsub", r -> r.deadLetterType() instanceof DeadLetterType.PubSubTopic);
  }

  @Override
  protected Supplier<PubSubDeadLetterSettings> readKeys(SectionReader r) {
    String topic = r.string("topic");
    String endpoint = r.string("endpoint");
    long maxBatchMessages = r.positiveLong("maxBatchMessages");
    long maxBatchBytes = r.positiveLong("maxBatchBytes");
    Duration maxBatchDelay = r.duration("maxBatchDelay");
    Duration publishTimeout = r.duration("publishTimeout");
    return () ->
        new PubSubDeadLetterSettings(
            topic, endpoint, maxBatchMessages, maxBatchBytes, maxBatchDelay, publishTimeout);
  }

  @Override
  protected void check(SectionReader r) {
    PubSubNameRules.check(r, "topic", "topics", "endpoint");
  }
}

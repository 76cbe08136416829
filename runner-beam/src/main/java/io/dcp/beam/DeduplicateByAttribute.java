package io.dcp.beam;

import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessage;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubMessageWithAttributesAndMessageIdAndOrderingKeyCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;

/**
 * Drops a message whose id attribute was already seen within a window, counting each drop in {@code
 * duplicates_dropped}. The job does this itself rather than with PubsubIO's {@code
 * withIdAttribute}, which also overwrites each message's id with the attribute's value: here the
 * attribute only deduplicates and {@code message_id} stays Pub/Sub's. A message without the
 * attribute is kept.
 */
final class DeduplicateByAttribute
    extends PTransform<PCollection<PubsubMessage>, PCollection<PubsubMessage>> {
  /** How long an id is remembered: the window Dataflow's own Pub/Sub dedup promises. */
  static final Duration WINDOW = Duration.standardMinutes(10);

  private final String attribute;

  DeduplicateByAttribute(String attribute) {
    this.attribute = attribute;
  }

  @Override
  public PCollection<PubsubMessage> expand(PCollection<PubsubMessage> messages) {
    String name = attribute;
    return messages
        .apply(
            "Key by " + name,
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.strings(), TypeDescriptor.of(PubsubMessage.class)))
                .via(
                    (PubsubMessage m) -> {
                      String id = m.getAttribute(name);
                      // Without the attribute a message is its own key: never a duplicate here.
                      return KV.of(id != null ? "a:" + id : "m:" + m.getMessageId(), m);
                    }))
        .setCoder(
            KvCoder.of(
                StringUtf8Coder.of(),
                PubsubMessageWithAttributesAndMessageIdAndOrderingKeyCoder.of()))
        .apply("Drop repeated " + name, ParDo.of(new FirstOnlyFn()))
        .setCoder(PubsubMessageWithAttributesAndMessageIdAndOrderingKeyCoder.of());
  }

  /** Emits the first message of each key and forgets the key a window after it. */
  static final class FirstOnlyFn extends DoFn<KV<String, PubsubMessage>, PubsubMessage> {
    @StateId("seen")
    private final StateSpec<ValueState<Boolean>> seen = StateSpecs.value(BooleanCoder.of());

    @TimerId("forget")
    private final TimerSpec forget = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    private transient BeamPipelineMetrics metrics;

    @Setup
    public void setup() {
      metrics = new BeamPipelineMetrics();
    }

    @ProcessElement
    public void process(
        @Element KV<String, PubsubMessage> element,
        @StateId("seen") ValueState<Boolean> seen,
        @TimerId("forget") Timer forget,
        OutputReceiver<PubsubMessage> out) {
      if (Boolean.TRUE.equals(seen.read())) {
        metrics.duplicateDropped();
        return;
      }
      seen.write(true);
      forget.offset(WINDOW).setRelative();
      out.output(element.getValue());
    }

    @OnTimer("forget")
    public void onForget(@StateId("seen") ValueState<Boolean> seen) {
      seen.clear();
    }
  }
}

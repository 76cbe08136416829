package io.dcp.beam;

import com.google.api.client.util.Clock;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.pubsub.v1.Schema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubClient;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubOptions;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubTestClient;

/**
 * Messages for Beam's {@code PubsubTestClient}: a subscription that delivers a fixed list and then
 * reports end of input, so a streaming job on DirectRunner ends by itself once all are acked.
 */
final class TestTopics {
  static final String SUBSCRIPTION = "projects/dcp-test/subscriptions/events-dcp";

  /** How long before a run its messages were published. */
  static final long PUBLISHED_BEFORE_MS = 60_000;

  /** Publish times are this many milliseconds since the epoch, plus the message's index. */
  static final long PUBLISHED_AT = System.currentTimeMillis() - PUBLISHED_BEFORE_MS;

  private TestTopics() {}

  /** A message as Pub/Sub delivers it. */
  record Published(
      String id, byte[] data, Map<String, String> attributes, String orderingKey, long publishMs) {
    /** A JSON message with {@code attributes}, no ordering key, published a minute ago. */
    static Published of(String id, String json, Map<String, String> attributes) {
      return new Published(id, json.getBytes(StandardCharsets.UTF_8), attributes, "", PUBLISHED_AT);
    }

    static Published json(int index, String json) {
      return new Published(
          "m" + index, json.getBytes(StandardCharsets.UTF_8), Map.of(), "", PUBLISHED_AT + index);
    }
  }

  /**
   * One message per non-blank line of an NDJSON file, its bytes untouched (a line may be invalid
   * UTF-8), ids {@code m0, m1, ...}.
   */
  static List<Published> ofFile(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    List<Published> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        byte[] line = Arrays.copyOfRange(bytes, start, i);
        if (!new String(line, StandardCharsets.ISO_8859_1).isBlank()) {
          int index = out.size();
          out.add(new Published("m" + index, line, Map.of(), "", PUBLISHED_AT + index));
        }
        start = i + 1;
      }
    }
    return out;
  }

  /** One message per line of {@code lines}, ids {@code m0, m1, ...}. */
  static List<Published> ofLines(List<String> lines) {
    List<Published> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      out.add(Published.json(i, lines.get(i)));
    }
    return out;
  }

  /**
   * A test client factory for {@link #SUBSCRIPTION} that delivers {@code messages} once. The test
   * client insists that each pull's request time equals its clock's time, while PubsubIO's reader
   * stamps pulls with the system clock, so the factory's clients pull at one steady instant.
   */
  static SteadyFactory delivering(List<Published> messages) {
    List<PubsubClient.IncomingMessage> incoming = new ArrayList<>();
    for (Published p : messages) {
      com.google.pubsub.v1.PubsubMessage proto =
          com.google.pubsub.v1.PubsubMessage.newBuilder()
              .setData(ByteString.copyFrom(p.data()))
              .putAllAttributes(p.attributes())
              .setMessageId(p.id())
              .setOrderingKey(p.orderingKey())
              .setPublishTime(
                  Timestamp.newBuilder()
                      .setSeconds(p.publishMs() / 1000)
                      .setNanos((int) (p.publishMs() % 1000) * 1_000_000))
              .build();
      incoming.add(
          PubsubClient.IncomingMessage.of(
              proto, p.publishMs(), System.currentTimeMillis(), "ack-" + p.id(), p.id()));
    }
    return new SteadyFactory(
        PubsubTestClient.createFactoryForPull(
            STEADY, PubsubClient.subscriptionPathFromPath(SUBSCRIPTION), 60, incoming));
  }

  private static final long STEADY_MS = System.currentTimeMillis();
  private static final Clock STEADY = () -> STEADY_MS;

  /** The test client's factory, its clients pulling at the steady instant. */
  static final class SteadyFactory implements PubsubClient.PubsubClientFactory, AutoCloseable {
    private final PubsubTestClient.PubsubTestClientFactory delegate;

    SteadyFactory(PubsubTestClient.PubsubTestClientFactory delegate) {
      this.delegate = delegate;
    }

    @Override
    public PubsubClient newClient(
        String timestampAttribute, String idAttribute, PubsubOptions options, String rootUrl)
        throws IOException {
      return new SteadyClient(
          delegate.newClient(timestampAttribute, idAttribute, options, rootUrl));
    }

    @Override
    public PubsubClient newClient(
        String timestampAttribute, String idAttribute, PubsubOptions options) throws IOException {
      return new SteadyClient(delegate.newClient(timestampAttribute, idAttribute, options));
    }

    @Override
    public String getKind() {
      return delegate.getKind();
    }

    /** Checks, as the test client does, that every message was pulled and acknowledged. */
    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }

  /** Delegates to the test client, pulling at the steady instant. */
  private static final class SteadyClient extends PubsubClient {
    private final PubsubClient delegate;

    SteadyClient(PubsubClient delegate) {
      this.delegate = delegate;
    }

    @Override
    public List<IncomingMessage> pull(
        long requestTime, SubscriptionPath subscription, int batchSize, boolean returnImmediately)
        throws IOException {
      return delegate.pull(STEADY_MS, subscription, batchSize, returnImmediately);
    }

    @Override
    public void acknowledge(SubscriptionPath subscription, List<String> ackIds) throws IOException {
      delegate.acknowledge(subscription, ackIds);
    }

    @Override
    public void modifyAckDeadline(
        SubscriptionPath subscription, List<String> ackIds, int deadlineSeconds)
        throws IOException {
      delegate.modifyAckDeadline(subscription, ackIds, deadlineSeconds);
    }

    @Override
    public int ackDeadlineSeconds(SubscriptionPath subscription) throws IOException {
      return delegate.ackDeadlineSeconds(subscription);
    }

    @Override
    public boolean isEOF() {
      return delegate.isEOF();
    }

    @Override
    public int publish(TopicPath topic, List<OutgoingMessage> messages) throws IOException {
      return delegate.publish(topic, messages);
    }

    @Override
    public void createTopic(TopicPath topic) throws IOException {
      delegate.createTopic(topic);
    }

    @Override
    public void createTopic(TopicPath topic, SchemaPath schema) throws IOException {
      delegate.createTopic(topic, schema);
    }

    @Override
    public void deleteTopic(TopicPath topic) throws IOException {
      delegate.deleteTopic(topic);
    }

    @Override
    public List<TopicPath> listTopics(ProjectPath project) throws IOException {
      return delegate.listTopics(project);
    }

    @Override
    public boolean isTopicExists(TopicPath topic) throws IOException {
      return delegate.isTopicExists(topic);
    }

    @Override
    public void createSubscription(TopicPath topic, SubscriptionPath subscription, int deadline)
        throws IOException {
      delegate.createSubscription(topic, subscription, deadline);
    }

    @Override
    public void deleteSubscription(SubscriptionPath subscription) throws IOException {
      delegate.deleteSubscription(subscription);
    }

    @Override
    public List<SubscriptionPath> listSubscriptions(ProjectPath project, TopicPath topic)
        throws IOException {
      return delegate.listSubscriptions(project, topic);
    }

    @Override
    public void createSchema(SchemaPath schema, String definition, Schema.Type type)
        throws IOException {
      delegate.createSchema(schema, definition, type);
    }

    @Override
    public void deleteSchema(SchemaPath schema) throws IOException {
      delegate.deleteSchema(schema);
    }

    @Override
    public SchemaPath getSchemaPath(TopicPath topic) throws IOException {
      return delegate.getSchemaPath(topic);
    }

    @Override
    public org.apache.beam.sdk.schemas.Schema getSchema(SchemaPath schema) throws IOException {
      return delegate.getSchema(schema);
    }

    @Override
    public void close() throws IOException {
      delegate.close();
    }
  }
}

package io.dcp.runner.standalone.process;

import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublisherGrpc;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriberGrpc;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.Topic;
import io.dcp.core.model.TableId;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import io.dcp.testing.emulator.PubSubEmulator;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Google's Pub/Sub emulator with a topic, a subscription (10 s ack deadline) and a dead-letter
 * topic with a subscription to read it, all named uniquely per instance (the emulator is shared by
 * the test JVM), and the Storage Write and REST fakes sharing one dataset ({@link
 * LoopbackBigQuery}). The sibling of {@link LoopbackCloud} for the tests that need no Pub/Sub fault
 * injection.
 */
public final class EmulatorCloud implements AutoCloseable {
  public static final String PROJECT = LoopbackBigQuery.PROJECT;
  public static final TableId TABLE = LoopbackBigQuery.TABLE;
  public static final TableId DEAD_LETTERS = LoopbackBigQuery.DEAD_LETTERS;

  public final String topic;
  public final String subscription;
  public final String deadLetterTopic;
  public final String deadLetterSubscription;
  public final FakeBigQueryWriteServer write;
  public final FakeBigQueryRestServer rest;
  private final LoopbackBigQuery bigQuery;
  private final PubSubEmulator emulator;
  private final ManagedChannel channel;

  private EmulatorCloud(PubSubEmulator emulator, String pubSubProject) throws IOException {
    this.emulator = emulator;
    String unique = Long.toString(System.nanoTime(), 36);
    topic = "projects/%s/topics/quotes-%s".formatted(pubSubProject, unique);
    subscription = "projects/%s/subscriptions/quotes-dcp-%s".formatted(pubSubProject, unique);
    deadLetterTopic = "projects/%s/topics/quotes-dead-letters-%s".formatted(pubSubProject, unique);
    deadLetterSubscription =
        "projects/%s/subscriptions/quotes-dead-letters-%s".formatted(pubSubProject, unique);
    channel = ManagedChannelBuilder.forTarget(emulator.hostPort()).usePlaintext().build();
    PublisherGrpc.PublisherBlockingStub publisher = PublisherGrpc.newBlockingStub(channel);
    SubscriberGrpc.SubscriberBlockingStub subscriber = SubscriberGrpc.newBlockingStub(channel);
    publisher.createTopic(Topic.newBuilder().setName(topic).build());
    subscriber.createSubscription(
        Subscription.newBuilder()
            .setName(subscription)
            .setTopic(topic)
            .setAckDeadlineSeconds(10)
            .build());
    publisher.createTopic(Topic.newBuilder().setName(deadLetterTopic).build());
    subscriber.createSubscription(
        Subscription.newBuilder()
            .setName(deadLetterSubscription)
            .setTopic(deadLetterTopic)
            .setAckDeadlineSeconds(60)
            .build());
    bigQuery = LoopbackBigQuery.start();
    write = bigQuery.write;
    rest = bigQuery.rest;
  }

  /** Topics and subscriptions in project {@link #PROJECT}, as the quickstart names them. */
  public static EmulatorCloud start(PubSubEmulator emulator) throws IOException {
    return new EmulatorCloud(emulator, PROJECT);
  }

  /**
   * Topics and subscriptions in {@code pubSubProject}: {@code "local"}, which is no Google Cloud
   * project id, shows dcp takes an emulator's project names once an endpoint is set.
   */
  public static EmulatorCloud start(PubSubEmulator emulator, String pubSubProject)
      throws IOException {
    return new EmulatorCloud(emulator, pubSubProject);
  }

  /** The emulator's gRPC address, for a config's {@code endpoint:}. */
  public String endpoint() {
    return emulator.hostPort();
  }

  /**
   * Writes a dcp config reading the subscription and writing {@link #TABLE} (created at start),
   * with {@code sections} appended: a {@code deadLetter:} section, {@code pipeline:}, {@code
   * admin:}.
   */
  public Path config(Path dir, Path schema, String sections) throws IOException {
    return bigQuery.config(
        dir, subscription, endpoint(), LoopbackBigQuery.quotesTable(schema), sections);
  }

  /** Publishes {@code messages} to the topic, 1,000 a request; returns their ids in order. */
  public List<String> publish(List<PubsubMessage> messages) {
    PublisherGrpc.PublisherBlockingStub publisher = PublisherGrpc.newBlockingStub(channel);
    List<String> ids = new ArrayList<>(messages.size());
    for (int start = 0; start < messages.size(); start += 1_000) {
      ids.addAll(
          publisher
              .publish(
                  PublishRequest.newBuilder()
                      .setTopic(topic)
                      .addAllMessages(
                          messages.subList(start, Math.min(messages.size(), start + 1_000)))
                      .build())
              .getMessageIdsList());
    }
    return ids;
  }

  /**
   * Pulls what the dead-letter topic received since the last call and acks it: one synchronous pull
   * of up to 1,000 messages.
   */
  public List<PubsubMessage> pullDeadLetters() {
    SubscriberGrpc.SubscriberBlockingStub subscriber =
        SubscriberGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    List<ReceivedMessage> received =
        subscriber
            .pull(
                PullRequest.newBuilder()
                    .setSubscription(deadLetterSubscription)
                    .setMaxMessages(1_000)
                    .setReturnImmediately(true)
                    .build())
            .getReceivedMessagesList();
    if (!received.isEmpty()) {
      subscriber.acknowledge(
          AcknowledgeRequest.newBuilder()
              .setSubscription(deadLetterSubscription)
              .addAllAckIds(received.stream().map(ReceivedMessage::getAckId).toList())
              .build());
    }
    return received.stream().map(ReceivedMessage::getMessage).toList();
  }

  /** The {@code message_id} of every row of {@code table}, duplicates included. */
  public List<String> messageIds(TableId table) {
    return bigQuery.messageIds(table);
  }

  /** The distinct message ids that landed as a row or a dead-letter row. */
  public Set<String> settledIds() {
    return bigQuery.settledIds();
  }

  @Override
  public void close() throws InterruptedException {
    bigQuery.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}

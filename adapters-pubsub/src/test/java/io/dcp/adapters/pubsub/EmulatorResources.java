package io.dcp.adapters.pubsub;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublisherGrpc;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriberGrpc;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.Topic;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Topics and subscriptions with unique names on one Pub/Sub endpoint (the emulator is shared by the
 * test run), created and published to through Google's generated gRPC stubs.
 */
final class EmulatorResources implements AutoCloseable {
  private final ManagedChannel channel;
  private final String unique = UUID.randomUUID().toString().substring(0, 8);

  EmulatorResources(String hostPort) {
    channel = ManagedChannelBuilder.forTarget(hostPort).usePlaintext().build();
  }

  /** {@code projects/local/topics/NAME-unique}, created. */
  String topic(String name) {
    String topic = "projects/local/topics/" + name + "-" + unique;
    publisher().createTopic(Topic.newBuilder().setName(topic).build());
    return topic;
  }

  /** A subscription to {@code topic}, {@code projects/local/subscriptions/NAME-unique}, created. */
  String subscription(String name, String topic) {
    return subscription(Subscription.newBuilder().setName(name).setTopic(topic));
  }

  /** A subscription with a dead-letter policy forwarding after {@code maxAttempts}. */
  String subscriptionWithDeadLetters(String name, String topic, String deadLetterTopic) {
    return subscription(
        Subscription.newBuilder()
            .setName(name)
            .setTopic(topic)
            .setDeadLetterPolicy(
                DeadLetterPolicy.newBuilder()
                    .setDeadLetterTopic(deadLetterTopic)
                    .setMaxDeliveryAttempts(5)));
  }

  /** An exactly-once-delivery subscription to {@code topic}. */
  String exactlyOnceSubscription(String name, String topic) {
    return subscription(
        Subscription.newBuilder().setName(name).setTopic(topic).setEnableExactlyOnceDelivery(true));
  }

  private String subscription(Subscription.Builder asked) {
    String name = "projects/local/subscriptions/" + asked.getName() + "-" + unique;
    SubscriberGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .createSubscription(asked.setName(name).setAckDeadlineSeconds(10).build());
    return name;
  }

  /** Publishes and returns the ids the service gave. */
  List<String> publish(String topic, List<PubsubMessage> messages) {
    return publisher()
        .publish(PublishRequest.newBuilder().setTopic(topic).addAllMessages(messages).build())
        .getMessageIdsList();
  }

  /** Publishes text messages. */
  List<String> publishTexts(String topic, List<String> texts) {
    return publish(
        topic,
        texts.stream()
            .map(t -> PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(t)).build())
            .toList());
  }

  /** One synchronous pull that returns at once, leasing what it gets. */
  List<ReceivedMessage> pullNow(String subscription, int max) {
    return SubscriberGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .pull(
            PullRequest.newBuilder()
                .setSubscription(subscription)
                .setMaxMessages(max)
                .setReturnImmediately(true)
                .build())
        .getReceivedMessagesList();
  }

  /**
   * Pulls until a pull answers nothing, leasing everything it got: what {@code subscription} held
   * that was neither acked nor leased elsewhere.
   */
  List<ReceivedMessage> pullAll(String subscription) {
    List<ReceivedMessage> all = new ArrayList<>();
    List<ReceivedMessage> got;
    while (!(got = pullNow(subscription, 1_000)).isEmpty()) {
      all.addAll(got);
    }
    return all;
  }

  /** The messages {@link #pullAll} gets, without their ack ids. */
  List<PubsubMessage> pullAllMessages(String subscription) {
    return pullAll(subscription).stream().map(ReceivedMessage::getMessage).toList();
  }

  /** The ids of the messages {@link #pullAll} gets. */
  List<String> pullAllIds(String subscription) {
    return pullAllMessages(subscription).stream().map(PubsubMessage::getMessageId).toList();
  }

  private PublisherGrpc.PublisherBlockingStub publisher() {
    return PublisherGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}

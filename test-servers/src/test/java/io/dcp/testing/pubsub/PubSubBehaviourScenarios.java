package io.dcp.testing.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.GetSubscriptionRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublisherGrpc;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.StreamingPullRequest;
import com.google.pubsub.v1.StreamingPullResponse;
import com.google.pubsub.v1.SubscriberGrpc;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.Topic;
import com.google.rpc.ErrorInfo;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a Pub/Sub service answers, asserted once and run against Google's emulator and against
 * {@link FakePubSubServer}: where both answer, the fake must answer as the emulator does. Each
 * scenario talks to the service through Google's generated gRPC stubs on a plaintext channel.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
abstract class PubSubBehaviourScenarios {
  private static final String PROJECT = "local";

  private ManagedChannel channel;
  private PublisherGrpc.PublisherBlockingStub publisher;
  private SubscriberGrpc.SubscriberBlockingStub subscriber;
  private String topic;
  private String subscription;

  /** {@code host:port} of the service under test. */
  protected abstract String endpoint();

  @BeforeEach
  void connect() {
    channel = ManagedChannelBuilder.forTarget(endpoint()).usePlaintext().build();
    publisher = PublisherGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    subscriber = SubscriberGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    String unique = UUID.randomUUID().toString().substring(0, 8);
    topic = "projects/" + PROJECT + "/topics/scenario-" + unique;
    subscription = "projects/" + PROJECT + "/subscriptions/scenario-" + unique;
    publisher.createTopic(Topic.newBuilder().setName(topic).build());
    subscriber.createSubscription(
        Subscription.newBuilder()
            .setName(subscription)
            .setTopic(topic)
            .setAckDeadlineSeconds(10)
            .build());
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void aPublishOfNoMessagesIsInvalidArgument() {
    assertThatThrownBy(() -> publisher.publish(PublishRequest.newBuilder().setTopic(topic).build()))
        .satisfies(e -> assertStatus(e, Status.Code.INVALID_ARGUMENT, "No messages to publish"));
  }

  @Test
  void aPublishOfOneThousandAndOneMessagesIsInvalidArgumentAndAThousandAreAccepted() {
    List<PubsubMessage> thousand = IntStream.range(0, 1_000).mapToObj(i -> text("m" + i)).toList();
    assertThat(publish(thousand)).hasSize(1_000).doesNotHaveDuplicates();

    List<PubsubMessage> tooMany = new ArrayList<>(thousand);
    tooMany.add(text("one more"));
    assertThatThrownBy(() -> publish(tooMany))
        .satisfies(
            e -> assertStatus(e, Status.Code.INVALID_ARGUMENT, "Too many messages to publish"));
  }

  @Test
  void aMessageWithAttributesAndNoDataIsAcceptedAndOneWithNeitherIsRefused() {
    PubsubMessage attributesOnly = PubsubMessage.newBuilder().putAttributes("kind", "ping").build();
    assertThat(publish(List.of(attributesOnly))).hasSize(1);
    assertThat(pullOne().getMessage().getAttributesMap()).containsEntry("kind", "ping");

    assertThatThrownBy(() -> publish(List.of(PubsubMessage.getDefaultInstance())))
        .satisfies(e -> assertStatus(e, Status.Code.INVALID_ARGUMENT, "Some messages are empty"));
  }

  @Test
  void aPublishToAMissingTopicIsNotFound() {
    assertThatThrownBy(
            () ->
                publisher.publish(
                    PublishRequest.newBuilder()
                        .setTopic("projects/" + PROJECT + "/topics/no-such-topic")
                        .addMessages(text("x"))
                        .build()))
        .satisfies(e -> assertStatus(e, Status.Code.NOT_FOUND));
  }

  @Test
  void deliveryAttemptIsZeroWithoutADeadLetterPolicy() {
    publish(List.of(text("plain")));
    ReceivedMessage first = pullOne();
    assertThat(first.getDeliveryAttempt()).isZero();
    modify(List.of(first.getAckId()), 0);
    assertThat(pullOne().getDeliveryAttempt()).isZero();
  }

  @Test
  void deliveryAttemptCountsFromOneWithADeadLetterPolicy() {
    String withPolicy = subscription + "-dlq";
    String deadLetters = topic + "-dead";
    publisher.createTopic(Topic.newBuilder().setName(deadLetters).build());
    subscriber.createSubscription(
        Subscription.newBuilder()
            .setName(withPolicy)
            .setTopic(topic)
            .setDeadLetterPolicy(
                DeadLetterPolicy.newBuilder()
                    .setDeadLetterTopic(deadLetters)
                    .setMaxDeliveryAttempts(5))
            .build());
    publish(List.of(text("counted")));
    ReceivedMessage first = pullOne(withPolicy);
    assertThat(first.getDeliveryAttempt()).isEqualTo(1);
    subscriber.modifyAckDeadline(
        ModifyAckDeadlineRequest.newBuilder()
            .setSubscription(withPolicy)
            .addAckIds(first.getAckId())
            .setAckDeadlineSeconds(0)
            .build());
    assertThat(pullOne(withPolicy).getDeliveryAttempt()).isEqualTo(2);
  }

  @Test
  void aSubscriptionKeepsItsDeadLetterPolicyOrderingRetentionAndExactlyOnceFlags() {
    String full = subscription + "-full";
    String deadLetters = topic + "-dead";
    publisher.createTopic(Topic.newBuilder().setName(deadLetters).build());
    Subscription asked =
        Subscription.newBuilder()
            .setName(full)
            .setTopic(topic)
            .setAckDeadlineSeconds(42)
            .setEnableMessageOrdering(true)
            .setEnableExactlyOnceDelivery(true)
            .setRetainAckedMessages(true)
            .setMessageRetentionDuration(Duration.newBuilder().setSeconds(3_600))
            .setDeadLetterPolicy(
                DeadLetterPolicy.newBuilder()
                    .setDeadLetterTopic(deadLetters)
                    .setMaxDeliveryAttempts(7))
            .build();
    subscriber.createSubscription(asked);

    Subscription read =
        subscriber.getSubscription(
            GetSubscriptionRequest.newBuilder().setSubscription(full).build());

    assertThat(read.getAckDeadlineSeconds()).isEqualTo(42);
    assertThat(read.getEnableMessageOrdering()).isTrue();
    assertThat(read.getEnableExactlyOnceDelivery()).isTrue();
    assertThat(read.getRetainAckedMessages()).isTrue();
    assertThat(read.getMessageRetentionDuration().getSeconds()).isEqualTo(3_600);
    assertThat(read.getDeadLetterPolicy()).isEqualTo(asked.getDeadLetterPolicy());
  }

  @Test
  void aNegativeModifyAckDeadlineIsInvalidArgumentAndTheMessageStaysLeased() {
    publish(List.of(text("held"), text("later")));
    ReceivedMessage held = pullOne();

    assertThatThrownBy(() -> modify(List.of(held.getAckId()), -1))
        .satisfies(
            e -> assertStatus(e, Status.Code.INVALID_ARGUMENT, "Ack deadline cannot be negative"));

    // Not acked: a nack now brings it back.
    modify(List.of(held.getAckId()), 0);
    List<String> seen = new ArrayList<>();
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(
            () -> {
              pull(10).forEach(m -> seen.add(m.getMessage().getData().toStringUtf8()));
              return seen.contains("held");
            });
  }

  @Test
  void aModifyAckDeadlineOverSixHundredSecondsIsAccepted() {
    publish(List.of(text("x")));
    ReceivedMessage held = pullOne();
    modify(List.of(held.getAckId()), 601);
    modify(List.of(held.getAckId()), 0);
    assertThat(data(pullOne())).isEqualTo("x");
  }

  @Test
  void anAckIdThatWasNeverIssuedIsInvalidArgumentForAcknowledgeAndModifyAckDeadline() {
    assertThatThrownBy(
            () ->
                subscriber.acknowledge(
                    AcknowledgeRequest.newBuilder()
                        .setSubscription(subscription)
                        .addAckIds("no-such-ack-id")
                        .build()))
        .satisfies(
            e ->
                assertStatus(
                    e, Status.Code.INVALID_ARGUMENT, "Invalid ack id (ack_id=no-such-ack-id)"));
    assertThatThrownBy(() -> modify(List.of("no-such-ack-id"), 0))
        .satisfies(
            e ->
                assertStatus(
                    e, Status.Code.INVALID_ARGUMENT, "Invalid ack id (ack_id=no-such-ack-id)"));
  }

  @Test
  void anAckIdWhoseLeaseEndedIsAcceptedAgainWithoutEffect() {
    publish(List.of(text("once")));
    ReceivedMessage held = pullOne();
    AcknowledgeRequest ack =
        AcknowledgeRequest.newBuilder()
            .setSubscription(subscription)
            .addAckIds(held.getAckId())
            .build();
    subscriber.acknowledge(ack);
    subscriber.acknowledge(ack);
    modify(List.of(held.getAckId()), 0);
    publish(List.of(text("after")));
    assertThat(data(pullOne())).isEqualTo("after");
  }

  @Test
  void anAckRemovesTheMessageAndANackRedeliversIt() {
    publish(List.of(text("a"), text("b")));
    List<ReceivedMessage> both = pullAtLeast(2);
    ReceivedMessage a = both.stream().filter(m -> data(m).equals("a")).findFirst().orElseThrow();
    ReceivedMessage b = both.stream().filter(m -> data(m).equals("b")).findFirst().orElseThrow();
    subscriber.acknowledge(
        AcknowledgeRequest.newBuilder()
            .setSubscription(subscription)
            .addAckIds(a.getAckId())
            .build());
    modify(List.of(b.getAckId()), 0);
    publish(List.of(text("c")));

    List<String> next = pullAtLeast(2).stream().map(PubSubBehaviourScenarios::data).toList();
    assertThat(next).containsExactlyInAnyOrder("b", "c");
  }

  @Test
  void aStreamingPullWithMoreModifyAckIdsThanDeadlinesEndsTheStreamWithInvalidArgument()
      throws Exception {
    publish(List.of(text("streamed")));
    StreamProbe probe = open(subscription);
    StreamObserver<StreamingPullRequest> requests = probe.requests;
    await().atMost(30, TimeUnit.SECONDS).until(() -> !probe.received.isEmpty());
    String ackId = probe.received.get(0).getAckId();

    requests.onNext(
        StreamingPullRequest.newBuilder()
            .addModifyDeadlineAckIds(ackId)
            .addModifyDeadlineAckIds("other")
            .addModifyDeadlineSeconds(0)
            .build());

    Throwable ended = probe.ended.get(30, TimeUnit.SECONDS);
    assertStatus(
        ended, Status.Code.INVALID_ARGUMENT, "ack IDs and deadlines must have the same size");
  }

  @Test
  void aNegativeDeadlineInAStreamingPullEndsTheStreamWithInvalidArgument() throws Exception {
    publish(List.of(text("streamed")));
    StreamProbe probe = open(subscription);
    StreamObserver<StreamingPullRequest> requests = probe.requests;
    await().atMost(30, TimeUnit.SECONDS).until(() -> !probe.received.isEmpty());
    String ackId = probe.received.get(0).getAckId();

    requests.onNext(
        StreamingPullRequest.newBuilder()
            .addModifyDeadlineAckIds(ackId)
            .addModifyDeadlineSeconds(-5)
            .build());

    Throwable ended = probe.ended.get(30, TimeUnit.SECONDS);
    assertStatus(ended, Status.Code.INVALID_ARGUMENT, "Ack deadline cannot be negative");
  }

  @Test
  void anAckIdThatWasNeverIssuedEndsAStreamingPullWithInvalidArgument() throws Exception {
    StreamProbe probe = open(subscription);
    probe.requests.onNext(StreamingPullRequest.newBuilder().addAckIds("no-such-ack-id").build());

    Throwable ended = probe.ended.get(30, TimeUnit.SECONDS);
    assertStatus(ended, Status.Code.INVALID_ARGUMENT, "Invalid ack id (ack_id=no-such-ack-id)");
  }

  @Test
  void onExactlyOnceDeliveryAStaleAckIdIsRefusedPerAckIdAndStreamsSayTheModeIsOn()
      throws Exception {
    String eod = subscription + "-eod";
    subscriber.createSubscription(
        Subscription.newBuilder()
            .setName(eod)
            .setTopic(topic)
            .setEnableExactlyOnceDelivery(true)
            .build());
    publish(List.of(text("once")));
    ReceivedMessage first = pullOne(eod);
    subscriber.modifyAckDeadline(
        ModifyAckDeadlineRequest.newBuilder()
            .setSubscription(eod)
            .addAckIds(first.getAckId())
            .setAckDeadlineSeconds(0)
            .build());
    ReceivedMessage second = pullOne(eod);

    assertThatThrownBy(
            () ->
                subscriber.acknowledge(
                    AcknowledgeRequest.newBuilder()
                        .setSubscription(eod)
                        .addAckIds(first.getAckId())
                        .build()))
        .satisfies(
            e -> {
              assertStatus(e, Status.Code.INVALID_ARGUMENT);
              com.google.rpc.Status details = StatusProto.fromThrowable(e);
              ErrorInfo info = details.getDetails(0).unpack(ErrorInfo.class);
              assertThat(info.getReason()).isEqualTo("EXACTLY_ONCE_ACKID_FAILURE");
              assertThat(info.getDomain()).isEqualTo("pubsub.googleapis.com");
              assertThat(info.getMetadataMap())
                  .containsExactly(Map.entry(first.getAckId(), "PERMANENT_FAILURE_INVALID_ACK_ID"));
            });
    subscriber.acknowledge(
        AcknowledgeRequest.newBuilder().setSubscription(eod).addAckIds(second.getAckId()).build());

    StreamProbe probe = open(eod);
    publish(List.of(text("two")));
    await().atMost(30, TimeUnit.SECONDS).until(() -> !probe.responses.isEmpty());
    assertThat(probe.responses.get(0).getSubscriptionProperties().getExactlyOnceDeliveryEnabled())
        .isTrue();
    assertThat(probe.received).extracting(PubSubBehaviourScenarios::data).containsExactly("two");
    probe.requests.onCompleted();
  }

  @Test
  void pastMaxDeliveryAttemptsAMessageGoesToTheDeadLetterTopic() {
    String withPolicy = subscription + "-forward";
    String deadLetters = topic + "-forward";
    String deadLetterSubscription = subscription + "-forwarded";
    publisher.createTopic(Topic.newBuilder().setName(deadLetters).build());
    subscriber.createSubscription(
        Subscription.newBuilder().setName(deadLetterSubscription).setTopic(deadLetters).build());
    subscriber.createSubscription(
        Subscription.newBuilder()
            .setName(withPolicy)
            .setTopic(topic)
            .setDeadLetterPolicy(
                DeadLetterPolicy.newBuilder()
                    .setDeadLetterTopic(deadLetters)
                    .setMaxDeliveryAttempts(5))
            .build());
    publish(List.of(text("poison")));
    List<Integer> attempts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ReceivedMessage m = pullOne(withPolicy);
      attempts.add(m.getDeliveryAttempt());
      subscriber.modifyAckDeadline(
          ModifyAckDeadlineRequest.newBuilder()
              .setSubscription(withPolicy)
              .addAckIds(m.getAckId())
              .setAckDeadlineSeconds(0)
              .build());
    }
    publish(List.of(text("later")));

    // The later message arriving alone proves the poison message left the subscription.
    ReceivedMessage next = pullOne(withPolicy);
    assertThat(attempts).containsExactly(1, 2, 3, 4, 5);
    assertThat(data(next)).isEqualTo("later");
    assertThat(next.getDeliveryAttempt()).isEqualTo(1);
    PubsubMessage forwarded = pullOne(deadLetterSubscription).getMessage();
    assertThat(forwarded.getData().toStringUtf8()).isEqualTo("poison");
    assertThat(forwarded.getAttributesMap())
        .containsEntry("CloudPubSubDeadLetterSourceDeliveryCount", "5")
        .containsEntry(
            "CloudPubSubDeadLetterSourceSubscription",
            withPolicy.substring(withPolicy.lastIndexOf('/') + 1))
        .containsEntry("CloudPubSubDeadLetterSourceSubscriptionProject", PROJECT);
  }

  @Test
  void aNackOnAnOpenStreamIsRedeliveredOnThatSameStream() {
    publish(List.of(text("nacked")));
    StreamProbe probe = open(subscription);
    await().atMost(30, TimeUnit.SECONDS).until(() -> probe.received.size() == 1);

    probe.requests.onNext(
        StreamingPullRequest.newBuilder()
            .addModifyDeadlineAckIds(probe.received.get(0).getAckId())
            .addModifyDeadlineSeconds(0)
            .build());

    await().atMost(30, TimeUnit.SECONDS).until(() -> probe.received.size() == 2);
    assertThat(probe.received)
        .extracting(PubSubBehaviourScenarios::data)
        .containsExactly("nacked", "nacked");
    assertThat(pull(10)).isEmpty();
    probe.requests.onCompleted();
  }

  @Test
  void aPullOfZeroMessagesIsInvalidArgument() {
    assertThatThrownBy(
            () ->
                subscriber.pull(
                    PullRequest.newBuilder()
                        .setSubscription(subscription)
                        .setMaxMessages(0)
                        .build()))
        .satisfies(e -> assertStatus(e, Status.Code.INVALID_ARGUMENT, "No max_messages specified"));
  }

  /** Opens a StreamingPull stream on {@code from} with a 10 s stream ack deadline. */
  private StreamProbe open(String from) {
    StreamProbe probe = new StreamProbe();
    probe.requests = SubscriberGrpc.newStub(channel).streamingPull(probe);
    probe.requests.onNext(
        StreamingPullRequest.newBuilder()
            .setSubscription(from)
            .setStreamAckDeadlineSeconds(10)
            .build());
    return probe;
  }

  private List<String> publish(List<PubsubMessage> messages) {
    return publisher
        .publish(PublishRequest.newBuilder().setTopic(topic).addAllMessages(messages).build())
        .getMessageIdsList();
  }

  private void modify(List<String> ackIds, int seconds) {
    subscriber.modifyAckDeadline(
        ModifyAckDeadlineRequest.newBuilder()
            .setSubscription(subscription)
            .addAllAckIds(ackIds)
            .setAckDeadlineSeconds(seconds)
            .build());
  }

  private List<ReceivedMessage> pull(int max) {
    return pull(subscription, max);
  }

  private List<ReceivedMessage> pull(String from, int max) {
    return SubscriberGrpc.newBlockingStub(channel)
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .pull(
            PullRequest.newBuilder()
                .setSubscription(from)
                .setMaxMessages(max)
                .setReturnImmediately(true)
                .build())
        .getReceivedMessagesList();
  }

  private ReceivedMessage pullOne() {
    return pullOne(subscription);
  }

  private ReceivedMessage pullOne(String from) {
    List<ReceivedMessage> got = new ArrayList<>();
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(
            () -> {
              got.addAll(pull(from, 1));
              return !got.isEmpty();
            });
    return got.get(0);
  }

  private List<ReceivedMessage> pullAtLeast(int count) {
    List<ReceivedMessage> got = new ArrayList<>();
    await()
        .atMost(30, TimeUnit.SECONDS)
        .until(
            () -> {
              got.addAll(pull(count));
              return got.size() >= count;
            });
    return got;
  }

  private static PubsubMessage text(String text) {
    return PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(text)).build();
  }

  private static String data(ReceivedMessage m) {
    return m.getMessage().getData().toStringUtf8();
  }

  private static void assertStatus(Throwable failure, Status.Code code, String description) {
    assertStatus(failure, code);
    assertThat(((StatusRuntimeException) failure).getStatus().getDescription())
        .isEqualTo(description);
  }

  private static void assertStatus(Throwable failure, Status.Code code) {
    assertThat(failure).isInstanceOf(StatusRuntimeException.class);
    assertThat(((StatusRuntimeException) failure).getStatus().getCode())
        .as("status of %s", failure)
        .isEqualTo(code);
  }

  /** Records what one StreamingPull stream received and how it ended. */
  private static final class StreamProbe implements StreamObserver<StreamingPullResponse> {
    final List<ReceivedMessage> received = new CopyOnWriteArrayList<>();
    final List<StreamingPullResponse> responses = new CopyOnWriteArrayList<>();
    final CompletableFuture<Throwable> ended = new CompletableFuture<>();
    StreamObserver<StreamingPullRequest> requests;

    @Override
    public void onNext(StreamingPullResponse response) {
      received.addAll(response.getReceivedMessagesList());
      responses.add(response);
    }

    @Override
    public void onError(Throwable t) {
      ended.complete(t);
    }

    @Override
    public void onCompleted() {
      ended.complete(Status.OK.asRuntimeException());
    }
  }
}

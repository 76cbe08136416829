package io.dcp.testing.pubsub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.SubscriberGrpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The synchronous Pull of the Pub/Sub fake, through Google's generated gRPC stub. */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class FakePubSubServerTest {
  static final String TOPIC = "projects/demo/topics/t";
  static final String SUBSCRIPTION = "projects/demo/subscriptions/s";

  FakePubSubServer server;
  ManagedChannel channel;
  SubscriberGrpc.SubscriberBlockingStub subscriber;

  @BeforeEach
  void start() throws Exception {
    server = FakePubSubServer.start();
    server.createTopicAndSubscription(TOPIC, SUBSCRIPTION);
    channel = ManagedChannelBuilder.forTarget(server.endpoint()).usePlaintext().build();
    subscriber = SubscriberGrpc.newBlockingStub(channel);
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void pullLeasesAtMostMaxMessagesAndAnswersEmptyWhenNothingArrives() {
    server.publish(TOPIC, List.of(message("a"), message("b"), message("c")));

    PullResponse first = pull(2);
    PullResponse second = pull(2);
    long start = System.nanoTime();
    PullResponse empty = pull(2);
    long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    assertThat(first.getReceivedMessagesList()).extracting(this::data).containsExactly("a", "b");
    assertThat(second.getReceivedMessagesList()).extracting(this::data).containsExactly("c");
    assertThat(empty.getReceivedMessagesList()).isEmpty();
    assertThat(waitedMillis).isGreaterThanOrEqualTo(150);
    assertThat(server.outstanding(SUBSCRIPTION)).isEqualTo(3);
    assertThat(server.backlog(SUBSCRIPTION)).isZero();
  }

  @Test
  void aWaitingPullTakesAMessagePublishedMeanwhile() throws Exception {
    Thread publisher =
        new Thread(
            () -> {
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              server.publish(TOPIC, List.of(message("late")));
            });
    publisher.start();

    PullResponse response = pull(10);
    publisher.join();

    assertThat(response.getReceivedMessagesList()).extracting(this::data).containsExactly("late");
  }

  @Test
  void ackRemovesAndModifyAckDeadlineZeroRedeliversUnderANewAckId() {
    server.publish(TOPIC, List.of(message("acked"), message("nacked")));
    List<ReceivedMessage> received = pull(10).getReceivedMessagesList();

    subscriber.acknowledge(
        AcknowledgeRequest.newBuilder()
            .setSubscription(SUBSCRIPTION)
            .addAckIds(received.get(0).getAckId())
            .build());
    subscriber.modifyAckDeadline(
        ModifyAckDeadlineRequest.newBuilder()
            .setSubscription(SUBSCRIPTION)
            .addAckIds(received.get(1).getAckId())
            .setAckDeadlineSeconds(0)
            .build());
    List<ReceivedMessage> again = pull(10).getReceivedMessagesList();

    assertThat(server.ackedIds(SUBSCRIPTION))
        .containsExactly(received.get(0).getMessage().getMessageId());
    assertThat(again).extracting(this::data).containsExactly("nacked");
    // No dead-letter policy: Pub/Sub (and the emulator) leave the attempt unset.
    assertThat(again.get(0).getDeliveryAttempt()).isZero();
    assertThat(again.get(0).getAckId()).isNotEqualTo(received.get(1).getAckId());
  }

  @Test
  void anExpiredPullLeaseIsRedelivered() {
    server.publish(TOPIC, List.of(message("slow")));
    pull(1);

    server.expireLeases(SUBSCRIPTION);

    assertThat(pull(1).getReceivedMessagesList()).extracting(this::data).containsExactly("slow");
    assertThat(server.deliveries(SUBSCRIPTION)).isEqualTo(2);
  }

  @Test
  void pullingAMissingSubscriptionIsNotFound() {
    assertThatThrownBy(
            () ->
                subscriber.pull(
                    PullRequest.newBuilder()
                        .setSubscription("projects/demo/subscriptions/missing")
                        .setMaxMessages(1)
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  private PullResponse pull(int maxMessages) {
    return subscriber.pull(
        PullRequest.newBuilder().setSubscription(SUBSCRIPTION).setMaxMessages(maxMessages).build());
  }

  private String data(ReceivedMessage m) {
    return m.getMessage().getData().toStringUtf8();
  }

  private static PubsubMessage message(String data) {
    return PubsubMessage.newBuilder().setData(ByteString.copyFromUtf8(data)).build();
  }
}

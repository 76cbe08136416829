package io.dcp.testing.pubsub;

import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A subscription of the fake Pub/Sub: its ready messages, its leases, what was acked and the
 * StreamingPull streams open on it. Used under the server's lock.
 */
final class SubscriptionState {
  final Subscription description;
  final String name;
  final String topic;
  final int ackDeadlineSeconds;
  final boolean exactlyOnce;
  final ArrayDeque<Delivery> ready = new ArrayDeque<>();
  final Map<String, Lease> leases = new LinkedHashMap<>();
  final List<String> acked = new ArrayList<>();
  final List<Long> streamLimits = new ArrayList<>();
  final List<StreamingPullSession> streams = new ArrayList<>();
  long deliveries;
  int peakPerStream;
  private final PubSubState state;

  SubscriptionState(Subscription description, PubSubState state) {
    this.description = description;
    this.name = description.getName();
    this.topic = description.getTopic();
    this.ackDeadlineSeconds = description.getAckDeadlineSeconds();
    this.exactlyOnce = description.getEnableExactlyOnceDelivery();
    this.state = state;
  }

  /**
   * Ends a lease; a nacked or expired message goes to the front of the queue, or to the dead-letter
   * topic once it was delivered as often as the dead-letter policy allows.
   */
  void endLease(Lease lease, boolean redeliver) {
    leases.remove(lease.ackId);
    if (lease.stream != null) {
      lease.stream.released(lease);
    }
    if (!redeliver) {
      return;
    }
    DeadLetterPolicy policy = description.getDeadLetterPolicy();
    TopicState deadLetters = state.topics.get(policy.getDeadLetterTopic());
    if (description.hasDeadLetterPolicy()
        && deadLetters != null
        && lease.delivery.attempts >= policy.getMaxDeliveryAttempts()) {
      forward(lease.delivery, deadLetters);
    } else {
      ready.addFirst(lease.delivery);
    }
  }

  /** Publishes a message to the dead-letter topic with the attributes Pub/Sub adds. */
  private void forward(Delivery delivery, TopicState deadLetters) {
    PubsubMessage m = delivery.message;
    Instant published =
        Instant.ofEpochSecond(m.getPublishTime().getSeconds(), m.getPublishTime().getNanos());
    String[] parts = name.split("/");
    state.publishLocked(
        deadLetters,
        List.of(
            m.toBuilder()
                .clearMessageId()
                .clearPublishTime()
                .putAttributes(
                    "CloudPubSubDeadLetterSourceDeliveryCount", Integer.toString(delivery.attempts))
                .putAttributes("CloudPubSubDeadLetterSourceSubscription", parts[3])
                .putAttributes("CloudPubSubDeadLetterSourceSubscriptionProject", parts[1])
                .putAttributes("CloudPubSubDeadLetterSourceTopicPublishTime", published.toString())
                .build()));
  }
}

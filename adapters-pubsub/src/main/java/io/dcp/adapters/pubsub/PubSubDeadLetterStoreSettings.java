package io.dcp.adapters.pubsub;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How {@link PubSubDeadLetterStore} reads a subscription of a dead-letter topic.
 *
 * @param subscription the full name, {@code projects/P/subscriptions/S}
 * @param endpoint {@code host:port} of a plaintext endpoint (emulator, test server), or empty for
 *     Google's endpoint with Application Default Credentials
 * @param maxMessages messages held at once, at most: pulling stops there and the rest waits for the
 *     next replay
 * @param ackDeadline the lease the store keeps on every message it holds, renewed every third of
 *     it; between 1 s and 600 s, Pub/Sub's limits for ModifyAckDeadline
 */
public record PubSubDeadLetterStoreSettings(
    String subscription, String endpoint, int maxMessages, Duration ackDeadline) {

  /** Messages held at once unless configured otherwise. */
  public static final int DEFAULT_MAX_MESSAGES = 100_000;

  public PubSubDeadLetterStoreSettings {
    PubSubNames.requireSubscription(subscription);
    requireNonNull(endpoint, "endpoint");
    requireNonNull(ackDeadline, "ackDeadline");
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages must be >= 1: " + maxMessages);
    }
    if (ackDeadline.compareTo(Duration.ofSeconds(1)) < 0
        || ackDeadline.compareTo(Duration.ofSeconds(600)) > 0) {
      throw new IllegalArgumentException(
          "ackDeadline must be between 1 s and 600 s: " + ackDeadline);
    }
  }

  /** At most {@value #DEFAULT_MAX_MESSAGES} messages, leased 60 s at a time, from Google. */
  public static PubSubDeadLetterStoreSettings defaults(String subscription) {
    return new PubSubDeadLetterStoreSettings(
        subscription, "", DEFAULT_MAX_MESSAGES, Duration.ofSeconds(60));
  }

  /** The same settings against a plaintext endpoint, or Google's when empty. */
  public PubSubDeadLetterStoreSettings withEndpoint(String hostPort) {
    return new PubSubDeadLetterStoreSettings(subscription, hostPort, maxMessages, ackDeadline);
  }

  /** The same settings holding at most {@code messages} messages. */
  public PubSubDeadLetterStoreSettings withMaxMessages(int messages) {
    return new PubSubDeadLetterStoreSettings(subscription, endpoint, messages, ackDeadline);
  }

  /** The same settings with another lease. */
  public PubSubDeadLetterStoreSettings withAckDeadline(Duration deadline) {
    return new PubSubDeadLetterStoreSettings(subscription, endpoint, maxMessages, deadline);
  }
}

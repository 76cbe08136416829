package io.dcp.adapters.pubsub;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How {@link PubSubDeadLetterSink} publishes.
 *
 * @param topic the full name, {@code projects/P/topics/T}
 * @param endpoint {@code host:port} of a plaintext endpoint (emulator, test server), or empty for
 *     Google's endpoint with Application Default Credentials
 * @param maxBatchMessages messages per publish request, at most
 * @param maxBatchBytes bytes per publish request, at most
 * @param maxBatchDelay how long the publisher waits to fill a request
 * @param publishTimeout how long a write waits for Pub/Sub to confirm its messages
 */
public record PubSubDeadLetterSettings(
    String topic,
    String endpoint,
    long maxBatchMessages,
    long maxBatchBytes,
    Duration maxBatchDelay,
    Duration publishTimeout) {

  public PubSubDeadLetterSettings {
    PubSubNames.requireTopic(topic);
    requireNonNull(endpoint, "endpoint");
    requireNonNull(maxBatchDelay, "maxBatchDelay");
    requireNonNull(publishTimeout, "publishTimeout");
    if (maxBatchMessages < 1 || maxBatchBytes < 1) {
      throw new IllegalArgumentException("batch limits must be >= 1");
    }
  }

  /** The client's usual batching for {@code topic}, with a 60 s publish timeout. */
  public static PubSubDeadLetterSettings defaults(String topic) {
    return new PubSubDeadLetterSettings(
        topic, "", 100, 1_000_000, Duration.ofMillis(10), Duration.ofSeconds(60));
  }

  /** The same settings against a plaintext endpoint. */
  public PubSubDeadLetterSettings withEndpoint(String hostPort) {
    return new PubSubDeadLetterSettings(
        topic, hostPort, maxBatchMessages, maxBatchBytes, maxBatchDelay, publishTimeout);
  }
}

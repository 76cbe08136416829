package io.dcp.adapters.pubsub;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How {@link PubSubMessageSource} pulls.
 *
 * @param subscription the full name, {@code projects/P/subscriptions/S}
 * @param endpoint {@code host:port} of a plaintext endpoint (emulator, test server), or empty for
 *     Google's endpoint with Application Default Credentials
 * @param parallelPullCount streaming-pull streams opened at once
 * @param executorThreads threads handing messages to the pipeline
 * @param maxOutstandingMessages messages held at once, acked or not; pulling blocks at the limit
 * @param maxOutstandingBytes payload bytes held at once; pulling blocks at the limit
 * @param maxAckExtension how long the client keeps extending a message's ack deadline
 */
public record PubSubSourceSettings(
    String subscription,
    String endpoint,
    int parallelPullCount,
    int executorThreads,
    long maxOutstandingMessages,
    long maxOutstandingBytes,
    Duration maxAckExtension) {

  public PubSubSourceSettings {
    PubSubNames.requireSubscription(subscription);
    requireNonNull(endpoint, "endpoint");
    requireNonNull(maxAckExtension, "maxAckExtension");
    if (parallelPullCount < 1 || executorThreads < 1) {
      throw new IllegalArgumentException("parallelPullCount and executorThreads must be >= 1");
    }
    if (maxOutstandingMessages < 1 || maxOutstandingBytes < 1) {
      throw new IllegalArgumentException("outstanding limits must be >= 1");
    }
  }

  /** Settings with the client's usual defaults for {@code subscription}. */
  public static PubSubSourceSettings defaults(String subscription) {
    return new PubSubSourceSettings(
        subscription, "", 1, 4, 1_000, 100L * 1024 * 1024, Duration.ofMinutes(60));
  }

  /** The same settings against a plaintext endpoint. */
  public PubSubSourceSettings withEndpoint(String hostPort) {
    return new PubSubSourceSettings(
        subscription,
        hostPort,
        parallelPullCount,
        executorThreads,
        maxOutstandingMessages,
        maxOutstandingBytes,
        maxAckExtension);
  }

  /** The same settings with other flow-control limits. */
  public PubSubSourceSettings withMaxOutstanding(long messages, long bytes) {
    return new PubSubSourceSettings(
        subscription,
        endpoint,
        parallelPullCount,
        executorThreads,
        messages,
        bytes,
        maxAckExtension);
  }

  /** The same settings with other stream and thread counts. */
  public PubSubSourceSettings withParallelism(int pullCount, int threads) {
    return new PubSubSourceSettings(
        subscription,
        endpoint,
        pullCount,
        threads,
        maxOutstandingMessages,
        maxOutstandingBytes,
        maxAckExtension);
  }
}

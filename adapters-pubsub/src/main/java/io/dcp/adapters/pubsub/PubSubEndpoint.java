package io.dcp.adapters.pubsub;

import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Where the Pub/Sub clients connect: Google's endpoint with Application Default Credentials, or a
 * plaintext endpoint without credentials (the emulator, a test server).
 *
 * <p>An explicit endpoint wins; otherwise {@code PUBSUB_EMULATOR_HOST} is honoured as the emulator
 * documentation describes; otherwise the clients use their defaults.
 */
final class PubSubEndpoint implements AutoCloseable {
  /** The variable the Pub/Sub emulator documents for pointing clients at it. */
  static final String EMULATOR_HOST = "PUBSUB_EMULATOR_HOST";

  private final ManagedChannel channel;

  private PubSubEndpoint(ManagedChannel channel) {
    this.channel = channel;
  }

  /**
   * Resolves the endpoint.
   *
   * @param endpoint {@code host:port} from the config, or empty
   * @param environment the process environment, for {@code PUBSUB_EMULATOR_HOST}
   */
  static PubSubEndpoint resolve(String endpoint, Map<String, String> environment) {
    String target = endpoint;
    if (target.isEmpty()) {
      target = environment.getOrDefault(EMULATOR_HOST, "");
    }
    if (target.isEmpty()) {
      return new PubSubEndpoint(null);
    }
    return new PubSubEndpoint(
        ManagedChannelBuilder.forTarget(target)
            .usePlaintext()
            .maxInboundMessageSize(20 * 1024 * 1024)
            .build());
  }

  /** The plaintext target, when not Google's endpoint. */
  Optional<String> plaintextTarget() {
    return Optional.ofNullable(channel).map(ManagedChannel::authority);
  }

  /** The channel to use, when not the client's default. */
  Optional<TransportChannelProvider> channelProvider() {
    return Optional.ofNullable(channel)
        .map(c -> FixedTransportChannelProvider.create(GrpcTransportChannel.create(c)));
  }

  /** No credentials for a plaintext endpoint, when not the client's default. */
  Optional<CredentialsProvider> credentialsProvider() {
    return Optional.ofNullable(channel).map(c -> NoCredentialsProvider.create());
  }

  @Override
  public void close() {
    if (channel != null) {
      channel.shutdown();
      try {
        if (!channel.awaitTermination(5, TimeUnit.SECONDS)) {
          channel.shutdownNow();
        }
      } catch (InterruptedException e) {
        channel.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}

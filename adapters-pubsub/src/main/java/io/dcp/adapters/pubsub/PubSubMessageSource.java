package io.dcp.adapters.pubsub;

import static java.util.Objects.requireNonNull;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutureCallback;
import com.google.api.core.ApiFutures;
import com.google.api.core.ApiService;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.batching.FlowController.LimitExceededBehavior;
import com.google.api.gax.core.InstantiatingExecutorProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.pubsub.v1.AckReplyConsumerWithResponse;
import com.google.cloud.pubsub.v1.AckResponse;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.SourceException;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pulls a Pub/Sub subscription with the client library's streaming-pull {@code Subscriber} and
 * hands each message to the pipeline, which acks it only once it is stored.
 *
 * <p>Flow control blocks pulling when the configured outstanding messages or bytes are held, so the
 * pipeline's in-flight bounds reach Pub/Sub. The client extends ack deadlines while the pipeline
 * holds a message, up to {@code maxAckExtension}. On an exactly-once-delivery subscription an ack
 * is confirmed by the service; a failed ack (the lease had expired, say) means Pub/Sub delivers the
 * stored message again, so it is counted and logged as a duplicate to come: the dedup window or the
 * {@code message_id} column removes it.
 */
public final class PubSubMessageSource implements MessageSource {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubMessageSource.class);

  /** Attributes the client library adds on receipt; they are not the publisher's. */
  private static final String CLIENT_ATTRIBUTE_PREFIX = "googclient_";

  /** How far each lease extension reaches: bounds how long a dead client's messages stay held. */
  private static final java.time.Duration LEASE_EXTENSION = java.time.Duration.ofSeconds(10);

  private final PubSubSourceSettings settings;
  private final Map<String, String> environment;
  private final CompletableFuture<Void> exhausted = new CompletableFuture<>();
  private final AtomicInteger receiving = new AtomicInteger();
  private final AtomicLong ackFailures = new AtomicLong();
  private volatile boolean stopping;
  private PubSubEndpoint endpoint;
  private Subscriber subscriber;

  /**
   * A source for {@code settings}.
   *
   * @param environment the process environment, read for {@code PUBSUB_EMULATOR_HOST}
   */
  public PubSubMessageSource(PubSubSourceSettings settings, Map<String, String> environment) {
    this.settings = requireNonNull(settings, "settings");
    this.environment = Map.copyOf(environment);
  }

  @Override
  public void start(MessageReceiver receiver) throws SourceException {
    requireNonNull(receiver, "receiver");
    endpoint = PubSubEndpoint.resolve(settings.endpoint(), environment);
    checkSubscription();
    Subscriber.Builder builder =
        Subscriber.newBuilder(
                settings.subscription(),
                (PubsubMessage message, AckReplyConsumerWithResponse reply) ->
                    deliver(receiver, message, reply))
            .setParallelPullCount(settings.parallelPullCount())
            .setExecutorProvider(
                InstantiatingExecutorProvider.newBuilder()
                    .setExecutorThreadCount(settings.executorThreads())
                    .build())
            .setFlowControlSettings(
                FlowControlSettings.newBuilder()
                    .setMaxOutstandingElementCount(settings.maxOutstandingMessages())
                    .setMaxOutstandingRequestBytes(settings.maxOutstandingBytes())
                    .setLimitExceededBehavior(LimitExceededBehavior.Block)
                    .build())
            .setMaxAckExtensionPeriodDuration(settings.maxAckExtension())
            // Leases are extended 10 s at a time. A stopping client nacks what it holds on its
            // open stream, and Pub/Sub (the emulator alike) hands a nacked message straight back
            // to that stream, so what a stopped or killed dcp held returns when its lease runs
            // out: within 10 s, not the client's default of up to 60 s per extension.
            .setMaxDurationPerAckExtensionDuration(LEASE_EXTENSION);
    endpoint.channelProvider().ifPresent(builder::setChannelProvider);
    endpoint.credentialsProvider().ifPresent(builder::setCredentialsProvider);
    subscriber = builder.build();
    subscriber.addListener(
        new ApiService.Listener() {
          @Override
          public void failed(ApiService.State from, Throwable failure) {
            if (!stopping) {
              exhausted.completeExceptionally(new SourceException(describe(failure), failure));
            }
          }
        },
        MoreExecutors.directExecutor());
    try {
      subscriber.startAsync().awaitRunning(60, TimeUnit.SECONDS);
    } catch (IllegalStateException | TimeoutException e) {
      throw new SourceException(describe(e), e);
    }
    LOG.info(
        "pulling {} with {} stream(s), at most {} messages / {} bytes outstanding{}",
        settings.subscription(),
        settings.parallelPullCount(),
        settings.maxOutstandingMessages(),
        settings.maxOutstandingBytes(),
        endpoint.plaintextTarget().map(t -> " from " + t).orElse(""));
  }

  @Override
  public CompletionStage<Void> exhausted() {
    return exhausted;
  }

  @Override
  public void stop() {
    stopping = true;
    if (subscriber != null) {
      // Stops the streams; messages the client still buffers reach deliver() and are nacked.
      subscriber.stopAsync();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (receiving.get() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  @Override
  public void close() {
    stopping = true;
    if (subscriber != null && subscriber.state() != ApiService.State.FAILED) {
      subscriber.stopAsync();
      try {
        // Returns once every delivered message was settled and the acks were sent.
        subscriber.awaitTerminated(30, TimeUnit.SECONDS);
      } catch (TimeoutException | IllegalStateException e) {
        LOG.warn("Pub/Sub subscriber did not stop cleanly: {}", e.toString());
      }
    }
    if (endpoint != null) {
      endpoint.close();
    }
  }

  /** Acks that Pub/Sub refused on an exactly-once subscription: messages it will deliver again. */
  public long ackFailures() {
    return ackFailures.get();
  }

  private void deliver(
      MessageReceiver receiver, PubsubMessage pubsubMessage, AckReplyConsumerWithResponse reply) {
    if (stopping) {
      reply.nack();
      return;
    }
    receiving.incrementAndGet();
    try {
      Message message = toMessage(pubsubMessage);
      receiver.receive(message, new PubSubAcknowledger(message.id(), reply));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      reply.nack();
    } finally {
      receiving.decrementAndGet();
    }
  }

  /** Converts a received message: bytes untouched, client-added attributes left out. */
  static Message toMessage(PubsubMessage m) {
    Map<String, String> attributes = new HashMap<>(m.getAttributesMap());
    attributes.keySet().removeIf(k -> k.startsWith(CLIENT_ATTRIBUTE_PREFIX));
    Integer attempt = Subscriber.getDeliveryAttempt(m);
    return new Message(
        m.getMessageId(),
        m.getData().toByteArray(),
        attributes,
        Instant.ofEpochSecond(m.getPublishTime().getSeconds(), m.getPublishTime().getNanos()),
        m.getOrderingKey(),
        attempt == null ? 0 : attempt);
  }

  private void checkSubscription() throws SourceException {
    SubscriptionAdminSettings.Builder admin = SubscriptionAdminSettings.newBuilder();
    endpoint.channelProvider().ifPresent(admin::setTransportChannelProvider);
    endpoint.credentialsProvider().ifPresent(admin::setCredentialsProvider);
    try (SubscriptionAdminClient client = SubscriptionAdminClient.create(admin.build())) {
      var subscription = client.getSubscription(settings.subscription());
      LOG.debug(
          "subscription {} on {} (exactly-once delivery: {})",
          subscription.getName(),
          subscription.getTopic(),
          subscription.getEnableExactlyOnceDelivery());
    } catch (NotFoundException e) {
      throw new SourceException(describe(e), e);
    } catch (PermissionDeniedException e) {
      // Reading a subscription's settings needs pubsub.subscriptions.get, which
      // roles/pubsub.subscriber does not grant: pull anyway, the stream reports a real denial.
      LOG.info(
          "cannot read the settings of {} (no pubsub.subscriptions.get); pulling anyway",
          settings.subscription());
    } catch (ApiException e) {
      throw new SourceException(describe(e), e);
    } catch (IOException e) {
      throw new SourceException(
          "cannot create the Pub/Sub client: "
              + e.getMessage()
              + ". Set up Application Default Credentials (gcloud auth application-default login,"
              + " or GOOGLE_APPLICATION_CREDENTIALS), or set source.pubsub.endpoint or "
              + PubSubEndpoint.EMULATOR_HOST
              + " for an emulator",
          e);
    }
  }

  private String describe(Throwable failure) {
    String subscription = settings.subscription();
    StatusCode.Code code = null;
    for (Throwable t = failure; t != null && code == null; t = t.getCause()) {
      if (t instanceof ApiException api) {
        code = api.getStatusCode().getCode();
        failure = api;
      }
    }
    if (code == StatusCode.Code.NOT_FOUND) {
      return "Pub/Sub subscription "
          + subscription
          + " does not exist: create it (gcloud pubsub subscriptions create "
          + subscription.substring(subscription.lastIndexOf('/') + 1)
          + " --topic=TOPIC) or fix source.pubsub.subscription";
    }
    if (code == StatusCode.Code.PERMISSION_DENIED) {
      return "no permission to pull Pub/Sub subscription "
          + subscription
          + ": grant roles/pubsub.subscriber on it to the account dcp runs as";
    }
    return "pulling Pub/Sub subscription " + subscription + " failed: " + failure.getMessage();
  }

  /** Settles one message through the client, which batches acks and nacks to the service. */
  private final class PubSubAcknowledger implements Acknowledger {
    private final String messageId;
    private final AckReplyConsumerWithResponse reply;

    PubSubAcknowledger(String messageId, AckReplyConsumerWithResponse reply) {
      this.messageId = messageId;
      this.reply = reply;
    }

    @Override
    public void ack() {
      watch(reply.ack());
    }

    @Override
    public void nack() {
      reply.nack();
    }

    /** Only exactly-once subscriptions answer acks; the future is null otherwise. */
    private void watch(Future<AckResponse> response) {
      if (response instanceof ApiFuture<AckResponse> future) {
        ApiFutures.addCallback(
            future,
            new ApiFutureCallback<>() {
              @Override
              public void onSuccess(AckResponse result) {
                if (result != AckResponse.SUCCESSFUL) {
                  ackFailed(result.name());
                }
              }

              @Override
              public void onFailure(Throwable t) {
                ackFailed(t.toString());
              }
            },
            MoreExecutors.directExecutor());
      }
    }

    private void ackFailed(String why) {
      ackFailures.incrementAndGet();
      LOG.warn(
          "Pub/Sub refused the ack of stored message {} ({}): it will be delivered again as a"
              + " duplicate",
          messageId,
          why);
    }
  }
}

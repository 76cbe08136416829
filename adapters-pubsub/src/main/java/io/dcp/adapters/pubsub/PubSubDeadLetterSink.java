package io.dcp.adapters.pubsub;

import static java.util.Objects.requireNonNull;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.PubSubDeadLetterFormat;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.SinkException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes dead letters to a Pub/Sub topic: the original bytes and attributes, plus attributes
 * that say why ({@code dcp_stage}, {@code dcp_error}, {@code dcp_message_id}, {@code
 * dcp_subscription}, {@code dcp_publish_time}, {@code dcp_failed_at}).
 *
 * <p>A write returns only once Pub/Sub confirmed every message of it, so a message counts as
 * dead-lettered (and is acked) only after its publish succeeded. Pub/Sub limits an attribute value
 * to 1,024 bytes: a longer error message is cut at a character boundary with an ellipsis.
 */
public final class PubSubDeadLetterSink implements DeadLetterSink {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubDeadLetterSink.class);

  private final PubSubDeadLetterSettings settings;
  private final String subscription;
  private final PubSubEndpoint endpoint;
  private final Publisher publisher;

  /**
   * Opens a publisher to the settings' topic.
   *
   * @param subscription the name of the source the dead letters come from, kept as an attribute
   * @param environment the process environment, read for {@code PUBSUB_EMULATOR_HOST}
   * @throws SinkException if the topic does not exist or the client cannot be created
   */
  public PubSubDeadLetterSink(
      PubSubDeadLetterSettings settings, String subscription, Map<String, String> environment)
      throws SinkException {
    this.settings = requireNonNull(settings, "settings");
    this.subscription = requireNonNull(subscription, "subscription");
    this.endpoint = PubSubEndpoint.resolve(settings.endpoint(), environment);
    try {
      checkTopic();
      Publisher.Builder builder =
          Publisher.newBuilder(settings.topic())
              .setBatchingSettings(
                  BatchingSettings.newBuilder()
                      .setElementCountThreshold(settings.maxBatchMessages())
                      .setRequestByteThreshold(settings.maxBatchBytes())
                      .setDelayThresholdDuration(settings.maxBatchDelay())
                      .build());
      endpoint.channelProvider().ifPresent(builder::setChannelProvider);
      endpoint.credentialsProvider().ifPresent(builder::setCredentialsProvider);
      publisher = builder.build();
    } catch (IOException e) {
      endpoint.close();
      throw SinkException.permanentFailure(
          "cannot create the Pub/Sub publisher for dead-letter topic "
              + settings.topic()
              + ": "
              + e.getMessage(),
          e);
    } catch (SinkException e) {
      endpoint.close();
      throw e;
    }
  }

  @Override
  public void write(List<DeadLetter> deadLetters) throws SinkException {
    List<ApiFuture<String>> futures = new ArrayList<>(deadLetters.size());
    for (DeadLetter deadLetter : deadLetters) {
      futures.add(publisher.publish(toPubsubMessage(deadLetter)));
    }
    publisher.publishAllOutstanding();
    try {
      ApiFutures.allAsList(futures)
          .get(settings.publishTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw SinkException.transientFailure("interrupted while publishing dead letters", e);
    } catch (TimeoutException e) {
      throw SinkException.transientFailure(
          "dead-letter topic "
              + settings.topic()
              + " did not confirm within "
              + settings.publishTimeout(),
          e);
    } catch (ExecutionException e) {
      throw classify(e.getCause());
    }
  }

  /**
   * Builds the published message in core's {@link PubSubDeadLetterFormat}: the original payload and
   * attributes, plus the reason.
   */
  PubsubMessage toPubsubMessage(DeadLetter deadLetter) throws SinkException {
    Map<String, String> attributes = PubSubDeadLetterFormat.attributes(deadLetter, subscription);
    String tooMany = PubSubDeadLetterFormat.tooManyAttributes(deadLetter, attributes);
    if (tooMany != null) {
      throw SinkException.permanentFailure(tooMany, null);
    }
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFrom(deadLetter.message().dataUnsafe()))
        .putAllAttributes(attributes)
        .build();
  }

  @Override
  public void close() {
    try {
      publisher.shutdown();
      publisher.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      endpoint.close();
    }
  }

  /** Cuts a value to Pub/Sub's attribute limit without splitting a character. */
  static String truncate(String value) {
    return PubSubDeadLetterFormat.truncate(value);
  }

  private void checkTopic() throws IOException, SinkException {
    TopicAdminSettings.Builder admin = TopicAdminSettings.newBuilder();
    endpoint.channelProvider().ifPresent(admin::setTransportChannelProvider);
    endpoint.credentialsProvider().ifPresent(admin::setCredentialsProvider);
    try (TopicAdminClient client = TopicAdminClient.create(admin.build())) {
      client.getTopic(settings.topic());
    } catch (NotFoundException e) {
      throw SinkException.permanentFailure(
          "dead-letter topic "
              + settings.topic()
              + " does not exist: create it (gcloud pubsub topics create "
              + settings.topic().substring(settings.topic().lastIndexOf('/') + 1)
              + ") or fix deadLetter.pubsub.topic",
          e);
    } catch (PermissionDeniedException e) {
      // Reading a topic needs pubsub.topics.get, which roles/pubsub.publisher does not grant.
      LOG.info("cannot read dead-letter topic {}; publishing anyway", settings.topic());
    }
  }

  private SinkException classify(Throwable cause) {
    String what = "publishing dead letters to " + settings.topic() + " failed: ";
    if (cause instanceof ApiException api && api.isRetryable()) {
      return SinkException.transientFailure(what + api.getMessage(), api);
    }
    if (cause instanceof PermissionDeniedException) {
      return SinkException.permanentFailure(
          what
              + "permission denied; grant roles/pubsub.publisher on the topic to the account dcp"
              + " runs as",
          cause);
    }
    if (cause instanceof NotFoundException) {
      return SinkException.permanentFailure(
          what + "the topic does not exist; create it or fix deadLetter.pubsub.topic", cause);
    }
    return SinkException.permanentFailure(what + cause, cause);
  }
}

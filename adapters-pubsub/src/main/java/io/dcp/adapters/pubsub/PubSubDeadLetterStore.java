package io.dcp.adapters.pubsub;

import static java.util.Objects.requireNonNull;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.DeadlineExceededException;
import com.google.api.gax.rpc.NotFoundException;
import com.google.api.gax.rpc.PermissionDeniedException;
import com.google.cloud.pubsub.v1.stub.GrpcSubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStub;
import com.google.cloud.pubsub.v1.stub.SubscriberStubSettings;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.ReceivedMessage;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.SinkException;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads back the dead letters {@link PubSubDeadLetterSink} published, from a subscription to the
 * dead-letter topic, and acks those that were stored again: what replaying a Pub/Sub dead-letter
 * topic needs.
 *
 * <p>Lifecycle: {@link #find} pulls what the subscription holds (synchronous Pull, until a pull
 * answers nothing or {@code maxMessages} are held) and keeps every pulled message leased: a
 * background thread extends their ack deadlines until {@link #remove} acks them or {@link #close}
 * releases them (ModifyAckDeadline 0). So the messages a query does not select and those not
 * removed stay in the subscription for a later replay, and a second {@code find} sees the held ones
 * again rather than pulling them twice. Close the store once done; nothing is acked but what {@code
 * remove} was given.
 *
 * <p>A message without the {@code dcp_stage} attribute, or whose dead-letter attributes cannot be
 * read, was not published by dcp: it is never acked, only released, and counted in {@link
 * #foreignMessages()}. Values the sink cut to Pub/Sub's 1,024-byte attribute limit (a long error
 * message or stack trace) come back cut.
 *
 * <p>Thread-safe. Failures are {@link SinkException}s: retryable statuses are transient, a missing
 * subscription or a denied permission permanent.
 */
public final class PubSubDeadLetterStore implements DeadLetterStore, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PubSubDeadLetterStore.class);

  /** Pub/Sub answers at most this many messages per Pull. */
  private static final int MAX_PULL_MESSAGES = 1_000;

  /** Ack ids per Acknowledge or ModifyAckDeadline request, well under the request size limit. */
  private static final int MAX_ACK_IDS_PER_REQUEST = 1_000;

  /**
   * How long one Pull may wait for messages. Pub/Sub answers at once while it has a backlog; a pull
   * that times out is taken as an empty answer.
   */
  private static final Duration PULL_TIMEOUT = Duration.ofSeconds(10);

  private final PubSubDeadLetterStoreSettings settings;
  private final PubSubEndpoint endpoint;
  private final SubscriberStub stub;
  private final ScheduledExecutorService extender;

  /** Messages pulled and not acked, by Pub/Sub message id, in the order they were pulled. */
  private final Map<String, Held> held = new LinkedHashMap<>();

  /** The message id behind every ack id handed out, so a redelivered message is acked once. */
  private final Map<String, String> messageIds = new HashMap<>();

  private int foreign;
  private boolean limitReached;
  private boolean closed;

  /** A leased message: its latest ack id and the dead letter it carries, if it is one. */
  private record Held(String ackId, Optional<DeadLetter> deadLetter) {}

  /**
   * Connects to the settings' Pub/Sub endpoint; nothing is pulled before {@link #find}.
   *
   * @param environment the process environment, read for {@code PUBSUB_EMULATOR_HOST}
   * @throws SinkException if the client cannot be created (no credentials, say)
   */
  public PubSubDeadLetterStore(
      PubSubDeadLetterStoreSettings settings, Map<String, String> environment)
      throws SinkException {
    this.settings = requireNonNull(settings, "settings");
    this.endpoint = PubSubEndpoint.resolve(settings.endpoint(), environment);
    try {
      SubscriberStubSettings.Builder builder = SubscriberStubSettings.newBuilder();
      endpoint.channelProvider().ifPresent(builder::setTransportChannelProvider);
      endpoint.credentialsProvider().ifPresent(builder::setCredentialsProvider);
      builder
          .pullSettings()
          .setRetrySettings(
              builder.pullSettings().getRetrySettings().toBuilder()
                  .setLogicalTimeout(PULL_TIMEOUT)
                  .build());
      stub = GrpcSubscriberStub.create(builder.build());
    } catch (IOException e) {
      endpoint.close();
      throw SinkException.permanentFailure(
          "cannot create the Pub/Sub client: "
              + e.getMessage()
              + ". Set up Application Default Credentials (gcloud auth application-default login,"
              + " or GOOGLE_APPLICATION_CREDENTIALS), or set deadLetter.pubsub.endpoint or "
              + PubSubEndpoint.EMULATOR_HOST
              + " for an emulator",
          e);
    }
    extender =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "dcp-dead-letter-leases");
              t.setDaemon(true);
              return t;
            });
    long period = Math.max(100, settings.ackDeadline().toMillis() / 3);
    extender.scheduleAtFixedRate(this::extendAll, period, period, TimeUnit.MILLISECONDS);
  }

  /**
   * Pulls what the subscription holds and returns the dead letters {@code query} selects among
   * every message held, oldest rejection first; the key is the message's ack id.
   */
  @Override
  public List<Stored> find(DeadLetterQuery query) throws SinkException {
    pullAll();
    List<Stored> selected = new ArrayList<>();
    synchronized (this) {
      for (Held h : held.values()) {
        h.deadLetter()
            .filter(d -> query.selects(d.stage(), d.errorMessage(), d.failedAt()))
            .ifPresent(d -> selected.add(new Stored(h.ackId(), d)));
      }
    }
    // A stable sort: equal times keep the order they were pulled in.
    selected.sort(Comparator.comparing(s -> s.deadLetter().failedAt()));
    return selected;
  }

  /** Acks {@code deadLetters}: they leave the subscription. A key not held is ignored. */
  @Override
  public synchronized void remove(List<Stored> deadLetters) throws SinkException {
    checkOpen();
    List<String> ids = new ArrayList<>();
    for (Stored stored : deadLetters) {
      String id = messageIds.get(stored.key());
      Held h = id == null ? null : held.get(id);
      if (h != null && h.deadLetter().isPresent() && !ids.contains(id)) {
        ids.add(id);
      }
    }
    for (int start = 0; start < ids.size(); start += MAX_ACK_IDS_PER_REQUEST) {
      List<String> chunk =
          ids.subList(start, Math.min(ids.size(), start + MAX_ACK_IDS_PER_REQUEST));
      List<String> ackIds = chunk.stream().map(id -> held.get(id).ackId()).toList();
      try {
        stub.acknowledgeCallable()
            .call(
                AcknowledgeRequest.newBuilder()
                    .setSubscription(settings.subscription())
                    .addAllAckIds(ackIds)
                    .build());
      } catch (ApiException e) {
        throw classify(
            "acknowledging "
                + ackIds.size()
                + " replayed dead letters (their rows are written: a later replay writes them"
                + " again) on",
            e);
      }
      chunk.forEach(held::remove);
    }
  }

  /**
   * Returns how many messages held are not dcp dead letters (no {@code dcp_stage} attribute, or
   * unreadable dead-letter attributes): never acked, they stay in the subscription.
   */
  public synchronized int foreignMessages() {
    return foreign;
  }

  /** Returns true when pulling stopped at {@code maxMessages}: the subscription may hold more. */
  public synchronized boolean limitReached() {
    return limitReached;
  }

  /** Replayed dead letters are acked: they leave the subscription. */
  @Override
  public String replayed() {
    return "left the subscription";
  }

  /** Releases every message still held (ModifyAckDeadline 0), so Pub/Sub delivers it again. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    extender.shutdownNow();
    try {
      List<String> ackIds;
      synchronized (this) {
        ackIds = held.values().stream().map(Held::ackId).toList();
        held.clear();
      }
      modifyDeadlines(ackIds, 0);
    } catch (ApiException e) {
      LOG.warn(
          "could not release the messages pulled from {} ({}): Pub/Sub delivers them again once"
              + " their ack deadline passes, within {} s",
          settings.subscription(),
          e.getMessage(),
          settings.ackDeadline().toSeconds());
    } finally {
      stub.close();
      endpoint.close();
    }
  }

  /** Pulls until a pull answers nothing or {@code maxMessages} are held. */
  private void pullAll() throws SinkException {
    int foreignBefore = foreignMessages();
    while (true) {
      int room;
      synchronized (this) {
        checkOpen();
        room = settings.maxMessages() - held.size();
        if (room <= 0) {
          limitReached = true;
          LOG.warn(
              "holding {} messages of {}, the most allowed: the rest waits for another replay",
              held.size(),
              settings.subscription());
          break;
        }
      }
      List<ReceivedMessage> received;
      try {
        received =
            stub.pullCallable()
                .call(
                    PullRequest.newBuilder()
                        .setSubscription(settings.subscription())
                        .setMaxMessages(Math.min(room, MAX_PULL_MESSAGES))
                        .build())
                .getReceivedMessagesList();
      } catch (DeadlineExceededException e) {
        break;
      } catch (ApiException e) {
        throw classify("pulling", e);
      }
      if (received.isEmpty()) {
        break;
      }
      hold(received);
    }
    int foreignNow = foreignMessages();
    if (foreignNow > foreignBefore) {
      LOG.warn(
          "{} messages of {} are not dcp dead letters (no dcp_stage attribute, or unreadable"
              + " dead-letter attributes; the DEBUG log says which): they are never acked and stay"
              + " in the subscription",
          foreignNow - foreignBefore,
          settings.subscription());
    }
  }

  /** Takes pulled messages in and extends their lease at once. */
  private synchronized void hold(List<ReceivedMessage> received) {
    List<String> ackIds = new ArrayList<>(received.size());
    for (ReceivedMessage r : received) {
      String id = r.getMessage().getMessageId();
      Optional<DeadLetter> deadLetter = Optional.empty();
      DeadLetterAttributes.Reading reading = DeadLetterAttributes.read(r.getMessage());
      if (reading instanceof DeadLetterAttributes.Read read) {
        deadLetter = Optional.of(read.deadLetter());
      } else if (reading instanceof DeadLetterAttributes.NotADeadLetter not
          && !held.containsKey(id)) {
        foreign++;
        LOG.debug(
            "message {} of {} is not a dead letter: {}", id, settings.subscription(), not.why());
      }
      // A message held already was redelivered (its lease lapsed): keep its newest ack id.
      held.put(id, new Held(r.getAckId(), deadLetter));
      messageIds.put(r.getAckId(), id);
      ackIds.add(r.getAckId());
    }
    extend(ackIds);
  }

  /** Renews the lease of every message held; runs on the extender thread. */
  private synchronized void extendAll() {
    if (!closed) {
      extend(held.values().stream().map(Held::ackId).toList());
    }
  }

  private void extend(List<String> ackIds) {
    try {
      modifyDeadlines(ackIds, (int) settings.ackDeadline().toSeconds());
    } catch (ApiException e) {
      LOG.warn(
          "could not extend the ack deadline of {} messages of {} ({}): Pub/Sub may deliver them"
              + " again, and a replayed one may then land twice",
          ackIds.size(),
          settings.subscription(),
          e.getMessage());
    }
  }

  private void modifyDeadlines(List<String> ackIds, int seconds) {
    for (int start = 0; start < ackIds.size(); start += MAX_ACK_IDS_PER_REQUEST) {
      stub.modifyAckDeadlineCallable()
          .call(
              ModifyAckDeadlineRequest.newBuilder()
                  .setSubscription(settings.subscription())
                  .addAllAckIds(
                      ackIds.subList(
                          start, Math.min(ackIds.size(), start + MAX_ACK_IDS_PER_REQUEST)))
                  .setAckDeadlineSeconds(seconds)
                  .build());
    }
  }

  private void checkOpen() throws SinkException {
    if (closed) {
      throw SinkException.permanentFailure(
          "the dead-letter store of " + settings.subscription() + " is closed", null);
    }
  }

  private SinkException classify(String doing, ApiException e) {
    String subscription = settings.subscription();
    if (e instanceof NotFoundException) {
      return SinkException.permanentFailure(
          "Pub/Sub subscription "
              + subscription
              + " does not exist: create it on the dead-letter topic (gcloud pubsub subscriptions"
              + " create "
              + subscription.substring(subscription.lastIndexOf('/') + 1)
              + " --topic=DEAD_LETTER_TOPIC) or fix its name",
          e);
    }
    if (e instanceof PermissionDeniedException) {
      return SinkException.permanentFailure(
          doing
              + " "
              + subscription
              + " was denied: grant roles/pubsub.subscriber on it to the account dcp runs as",
          e);
    }
    String what = doing + " " + subscription + " failed: " + e.getMessage();
    return e.isRetryable()
        ? SinkException.transientFailure(what, e)
        : SinkException.permanentFailure(what, e);
  }
}

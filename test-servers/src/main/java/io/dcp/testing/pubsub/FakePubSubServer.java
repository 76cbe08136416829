package io.dcp.testing.pubsub;

import com.google.protobuf.Any;
import com.google.protobuf.Empty;
import com.google.protobuf.Timestamp;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.DeadLetterPolicy;
import com.google.pubsub.v1.DeleteSubscriptionRequest;
import com.google.pubsub.v1.GetSubscriptionRequest;
import com.google.pubsub.v1.GetTopicRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublishResponse;
import com.google.pubsub.v1.PublisherGrpc;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.StreamingPullRequest;
import com.google.pubsub.v1.StreamingPullResponse;
import com.google.pubsub.v1.SubscriberGrpc;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.Topic;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake of Pub/Sub's gRPC services ({@code Publisher} and {@code Subscriber}) built on Google's
 * published stubs, serving topics and subscriptions held in memory on a loopback port.
 *
 * <p>It keeps the semantics a subscriber depends on: a published message is copied to every
 * subscription of its topic; StreamingPull leases messages to a stream up to the stream's flow
 * control limits (max outstanding messages and bytes); a synchronous Pull leases up to its {@code
 * max_messages} ready messages with the subscription's ack deadline, or answers empty once none
 * arrived for a short while (at once with {@code return_immediately}); a lease ends with an ack, a
 * nack (ModifyAckDeadline 0, redelivered at once) or the expiry of its ack deadline (redelivered).
 * It answers as Google's emulator does wherever both answer ({@code PubSubBehaviourScenarios} runs
 * the same scenarios on both): empty, over-1,000 and empty-message publishes, negative deadlines,
 * ack ids it never issued and mismatched StreamingPull lists are {@code INVALID_ARGUMENT}; a
 * subscription keeps every field it was created with; deliveries carry a delivery attempt only on a
 * subscription with a dead-letter policy, which forwards a message to its dead-letter topic once it
 * was delivered {@code max_delivery_attempts} times. Subscriptions can have exactly-once delivery,
 * where acking an ended lease fails with the per-ack-id error the service sends. Tests read what
 * was published and acked, the peak of outstanding messages, and can expire leases or deny access
 * (what the emulator cannot do).
 */
public final class FakePubSubServer implements AutoCloseable {
  /** Messages per Publish request, at most. */
  private static final int MAX_MESSAGES_PER_PUBLISH = 1_000;

  /** Messages per StreamingPull or Pull response, at most. */
  private static final int MAX_MESSAGES_PER_RESPONSE = 1_000;

  /** How long a synchronous Pull waits for a message before it answers empty. */
  private static final long PULL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** How often leases are checked for an expired ack deadline. */
  private static final long LEASE_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private final Object lock = new Object();
  private final Map<String, TopicState> topics = new HashMap<>();
  private final Map<String, SubscriptionState> subscriptions = new HashMap<>();
  private final List<String> denied = new CopyOnWriteArrayList<>();
  private final List<PendingPull> pendingPulls = new ArrayList<>();
  private final AtomicLong messageIds = new AtomicLong();
  private final AtomicLong ackIds = new AtomicLong();
  private static final String ACK_ID_PREFIX = "ack-";
  private final ScheduledExecutorService dispatcher;
  private final Server server;
  private long lastLeaseScan;

  private FakePubSubServer() throws IOException {
    dispatcher =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "fake-pubsub-dispatcher");
              t.setDaemon(true);
              return t;
            });
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(new PublisherService())
            .addService(new SubscriberService())
            .maxInboundMessageSize(20 * 1024 * 1024)
            .build()
            .start();
    dispatcher.scheduleWithFixedDelay(this::dispatch, 5, 5, TimeUnit.MILLISECONDS);
  }

  /** Starts the fake on an ephemeral loopback port. */
  public static FakePubSubServer start() throws IOException {
    return new FakePubSubServer();
  }

  /** Returns {@code 127.0.0.1:port}, for a plaintext channel (as with the emulator). */
  public String endpoint() {
    return "127.0.0.1:" + server.getPort();
  }

  /** Creates a topic, named {@code projects/P/topics/T}. */
  public void createTopic(String topic) {
    synchronized (lock) {
      topics.putIfAbsent(topic, new TopicState());
    }
  }

  /**
   * Creates a subscription to an existing topic.
   *
   * @param subscription {@code projects/P/subscriptions/S}
   * @param topic {@code projects/P/topics/T}
   * @param ackDeadlineSeconds the default lease of a delivered message
   * @param exactlyOnce whether the subscription has exactly-once delivery
   */
  public void createSubscription(
      String subscription, String topic, int ackDeadlineSeconds, boolean exactlyOnce) {
    synchronized (lock) {
      TopicState t = topics.get(topic);
      if (t == null) {
        throw new IllegalArgumentException("no topic " + topic);
      }
      addSubscriptionLocked(
          Subscription.newBuilder()
              .setName(subscription)
              .setTopic(topic)
              .setAckDeadlineSeconds(ackDeadlineSeconds)
              .setEnableExactlyOnceDelivery(exactlyOnce)
              .build());
    }
  }

  private void addSubscriptionLocked(Subscription description) {
    SubscriptionState s = new SubscriptionState(description);
    subscriptions.put(description.getName(), s);
    topics.get(description.getTopic()).subscriptions.add(s);
  }

  /** Creates a topic and one at-least-once subscription to it with a 10 s ack deadline. */
  public void createTopicAndSubscription(String topic, String subscription) {
    createTopic(topic);
    createSubscription(subscription, topic, 10, false);
  }

  /** Publishes messages directly, as the Publish call does; returns their ids. */
  public List<String> publish(String topic, List<PubsubMessage> messages) {
    synchronized (lock) {
      TopicState t = topics.get(topic);
      if (t == null) {
        throw new IllegalArgumentException("no topic " + topic);
      }
      return publishLocked(t, messages);
    }
  }

  /** Returns every message published to {@code topic}, with its id and publish time. */
  public List<PubsubMessage> published(String topic) {
    synchronized (lock) {
      TopicState t = topics.get(topic);
      return t == null ? List.of() : List.copyOf(t.published);
    }
  }

  /** Returns the ids of the messages acked on {@code subscription}, once per successful ack. */
  public List<String> ackedIds(String subscription) {
    synchronized (lock) {
      return List.copyOf(state(subscription).acked);
    }
  }

  /** Returns how many acks of {@code subscription} succeeded. */
  public int ackedCount(String subscription) {
    synchronized (lock) {
      return state(subscription).acked.size();
    }
  }

  /** Returns how many deliveries {@code subscription} made, redeliveries included. */
  public long deliveries(String subscription) {
    synchronized (lock) {
      return state(subscription).deliveries;
    }
  }

  /** Returns the messages of {@code subscription} neither acked nor leased. */
  public int backlog(String subscription) {
    synchronized (lock) {
      return state(subscription).ready.size();
    }
  }

  /** Returns the number of messages leased to subscribers and not yet acked or nacked. */
  public int outstanding(String subscription) {
    synchronized (lock) {
      return state(subscription).leases.size();
    }
  }

  /** Returns the largest number of messages leased at once to one stream of a subscription. */
  public int peakOutstandingPerStream(String subscription) {
    synchronized (lock) {
      return state(subscription).peakPerStream;
    }
  }

  /** Returns the flow-control limits the streams of {@code subscription} asked for, in order. */
  public List<Long> streamMaxOutstandingMessages(String subscription) {
    synchronized (lock) {
      return List.copyOf(state(subscription).streamLimits);
    }
  }

  /** Ends every lease of {@code subscription} now, as if its ack deadline had passed. */
  public void expireLeases(String subscription) {
    synchronized (lock) {
      SubscriptionState s = state(subscription);
      for (Lease lease : List.copyOf(s.leases.values())) {
        s.endLease(lease, true);
      }
    }
  }

  /** Makes every call on {@code subscription} fail with PERMISSION_DENIED from now on. */
  public void denyAccess(String subscription) {
    denied.add(subscription);
  }

  @Override
  public void close() {
    dispatcher.shutdownNow();
    synchronized (lock) {
      for (SubscriptionState s : subscriptions.values()) {
        for (PullStream stream : s.streams) {
          stream.close();
        }
      }
    }
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private SubscriptionState state(String subscription) {
    SubscriptionState s = subscriptions.get(subscription);
    if (s == null) {
      throw new IllegalArgumentException("no subscription " + subscription);
    }
    return s;
  }

  /** The emulator's answer to a Publish of {@code messages}, or OK. */
  private static Status checkPublish(List<PubsubMessage> messages) {
    if (messages.isEmpty()) {
      return Status.INVALID_ARGUMENT.withDescription("No messages to publish");
    }
    if (messages.size() > MAX_MESSAGES_PER_PUBLISH) {
      return Status.INVALID_ARGUMENT.withDescription("Too many messages to publish");
    }
    for (PubsubMessage m : messages) {
      if (m.getData().isEmpty() && m.getAttributesCount() == 0) {
        return Status.INVALID_ARGUMENT.withDescription("Some messages are empty");
      }
    }
    return Status.OK;
  }

  private List<String> publishLocked(TopicState topic, List<PubsubMessage> messages) {
    List<String> ids = new ArrayList<>(messages.size());
    Instant now = Instant.now();
    Timestamp publishTime =
        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()).build();
    for (PubsubMessage message : messages) {
      String id = Long.toString(messageIds.incrementAndGet());
      PubsubMessage stored =
          message.toBuilder().setMessageId(id).setPublishTime(publishTime).build();
      topic.published.add(stored);
      for (SubscriptionState s : topic.subscriptions) {
        s.ready.add(new Delivery(stored));
      }
      ids.add(id);
    }
    return ids;
  }

  /** Expires leases past their deadline and hands ready messages to streams with room. */
  private void dispatch() {
    List<Runnable> sends = new ArrayList<>();
    synchronized (lock) {
      long now = System.nanoTime();
      boolean scanLeases = now - lastLeaseScan > LEASE_SCAN_NANOS;
      if (scanLeases) {
        lastLeaseScan = now;
      }
      for (PendingPull pull : List.copyOf(pendingPulls)) {
        Runnable answer = pull.tryAnswer(now);
        if (answer != null) {
          pendingPulls.remove(pull);
          sends.add(answer);
        }
      }
      for (SubscriptionState s : subscriptions.values()) {
        for (Lease lease : scanLeases ? List.copyOf(s.leases.values()) : List.<Lease>of()) {
          if (lease.deadlineNanos - now <= 0) {
            s.endLease(lease, true);
          }
        }
        s.streams.removeIf(stream -> stream.closed);
        for (PullStream stream : s.streams) {
          List<ReceivedMessage> batch = new ArrayList<>();
          while (!s.ready.isEmpty()
              && batch.size() < MAX_MESSAGES_PER_RESPONSE
              && stream.hasRoomFor(s.ready.peek().message)) {
            ReceivedMessage received = lease(s, stream, stream.ackDeadlineSeconds, now);
            stream.outstanding++;
            stream.outstandingBytes += received.getMessage().getSerializedSize();
            s.peakPerStream = Math.max(s.peakPerStream, stream.outstanding);
            batch.add(received);
          }
          if (!batch.isEmpty()) {
            StreamingPullResponse response =
                StreamingPullResponse.newBuilder()
                    .addAllReceivedMessages(batch)
                    .setSubscriptionProperties(
                        StreamingPullResponse.SubscriptionProperties.newBuilder()
                            .setExactlyOnceDeliveryEnabled(s.exactlyOnce))
                    .build();
            sends.add(() -> stream.send(response));
          }
        }
      }
    }
    sends.forEach(Runnable::run);
    if (!sends.isEmpty()) {
      try {
        // More may be ready: go again now rather than after the idle delay.
        dispatcher.execute(this::dispatch);
      } catch (RejectedExecutionException closing) {
        // the server is closing
      }
    }
  }

  /**
   * Leases the next ready message of {@code s} for {@code deadlineSeconds}, to {@code stream} or,
   * when null, to a synchronous Pull.
   */
  private ReceivedMessage lease(
      SubscriptionState s, PullStream stream, int deadlineSeconds, long now) {
    Delivery d = s.ready.poll();
    d.attempts++;
    s.deliveries++;
    Lease lease =
        new Lease(
            ACK_ID_PREFIX + ackIds.incrementAndGet(),
            d,
            stream,
            now + TimeUnit.SECONDS.toNanos(deadlineSeconds));
    s.leases.put(lease.ackId, lease);
    ReceivedMessage.Builder received =
        ReceivedMessage.newBuilder().setAckId(lease.ackId).setMessage(d.message);
    if (s.description.hasDeadLetterPolicy()) {
      received.setDeliveryAttempt(d.attempts);
    }
    return received.build();
  }

  /** Leases up to {@code maxMessages} ready messages of {@code s} to a synchronous Pull. */
  private List<ReceivedMessage> leaseForPull(SubscriptionState s, int maxMessages, long now) {
    List<ReceivedMessage> leased = new ArrayList<>();
    int limit = Math.min(maxMessages, MAX_MESSAGES_PER_RESPONSE);
    while (!s.ready.isEmpty() && leased.size() < limit) {
      leased.add(lease(s, null, s.ackDeadlineSeconds, now));
    }
    return leased;
  }

  private Status checkAccess(String subscription) {
    if (!subscriptions.containsKey(subscription)) {
      return notFound(subscription);
    }
    if (denied.contains(subscription)) {
      return Status.PERMISSION_DENIED.withDescription(
          "User not authorized to perform this action.");
    }
    return Status.OK;
  }

  /** The NOT_FOUND status Pub/Sub answers for a missing topic or subscription. */
  private static Status notFound(String name) {
    return Status.NOT_FOUND.withDescription(
        "Resource not found (resource=" + name.substring(name.lastIndexOf('/') + 1) + ").");
  }

  /**
   * The emulator's answer to settling {@code ackIdList} with {@code deadlineSeconds} (-1 for an
   * ack, checked as such), or OK: a negative deadline or an ack id never issued is refused whole.
   */
  private Status checkSettle(List<String> ackIdList, int deadlineSeconds, boolean ack) {
    if (!ack && deadlineSeconds < 0) {
      return Status.INVALID_ARGUMENT.withDescription("Ack deadline cannot be negative");
    }
    for (String ackId : ackIdList) {
      if (!wasIssued(ackId)) {
        return Status.INVALID_ARGUMENT.withDescription("Invalid ack id (ack_id=" + ackId + ")");
      }
    }
    return Status.OK;
  }

  private boolean wasIssued(String ackId) {
    if (!ackId.startsWith(ACK_ID_PREFIX)) {
      return false;
    }
    try {
      long n = Long.parseLong(ackId.substring(ACK_ID_PREFIX.length()));
      return n >= 1 && n <= ackIds.get();
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** Settles checked ack ids; returns the ids whose lease had ended. */
  private List<String> settle(String subscription, List<String> ackIdList, int deadlineSeconds) {
    List<String> invalid = new ArrayList<>();
    SubscriptionState s = state(subscription);
    for (String ackId : ackIdList) {
      Lease lease = s.leases.get(ackId);
      if (lease == null) {
        invalid.add(ackId);
      } else if (deadlineSeconds < 0) {
        s.endLease(lease, false);
        s.acked.add(lease.delivery.message.getMessageId());
      } else if (deadlineSeconds == 0) {
        s.endLease(lease, true);
      } else {
        lease.deadlineNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
      }
    }
    return invalid;
  }

  /** The error an exactly-once subscription answers for ack ids whose lease is gone. */
  private static io.grpc.StatusRuntimeException invalidAckIds(List<String> invalid) {
    ErrorInfo.Builder info =
        ErrorInfo.newBuilder()
            .setReason("EXACTLY_ONCE_ACKID_FAILURE")
            .setDomain("pubsub.googleapis.com");
    for (String ackId : invalid) {
      info.putMetadata(ackId, "PERMANENT_FAILURE_INVALID_ACK_ID");
    }
    return StatusProto.toStatusRuntimeException(
        com.google.rpc.Status.newBuilder()
            .setCode(Code.INVALID_ARGUMENT_VALUE)
            .addDetails(Any.pack(info.build()))
            .build());
  }

  private final class PublisherService extends PublisherGrpc.PublisherImplBase {
    @Override
    public void createTopic(Topic request, StreamObserver<Topic> response) {
      synchronized (lock) {
        if (topics.containsKey(request.getName())) {
          response.onError(
              Status.ALREADY_EXISTS.withDescription("Topic already exists").asException());
          return;
        }
        topics.put(request.getName(), new TopicState());
      }
      response.onNext(request);
      response.onCompleted();
    }

    @Override
    public void getTopic(GetTopicRequest request, StreamObserver<Topic> response) {
      boolean exists;
      synchronized (lock) {
        exists = topics.containsKey(request.getTopic());
      }
      if (!exists) {
        response.onError(notFound(request.getTopic()).asException());
        return;
      }
      response.onNext(Topic.newBuilder().setName(request.getTopic()).build());
      response.onCompleted();
    }

    @Override
    public void publish(PublishRequest request, StreamObserver<PublishResponse> response) {
      List<String> ids;
      synchronized (lock) {
        TopicState t = topics.get(request.getTopic());
        if (t == null) {
          response.onError(notFound(request.getTopic()).asException());
          return;
        }
        Status refused = checkPublish(request.getMessagesList());
        if (!refused.isOk()) {
          response.onError(refused.asException());
          return;
        }
        ids = publishLocked(t, request.getMessagesList());
      }
      response.onNext(PublishResponse.newBuilder().addAllMessageIds(ids).build());
      response.onCompleted();
    }
  }

  private final class SubscriberService extends SubscriberGrpc.SubscriberImplBase {
    @Override
    public void createSubscription(Subscription request, StreamObserver<Subscription> response) {
      Subscription created;
      synchronized (lock) {
        if (subscriptions.containsKey(request.getName())) {
          response.onError(
              Status.ALREADY_EXISTS.withDescription("Subscription already exists").asException());
          return;
        }
        if (!topics.containsKey(request.getTopic())) {
          response.onError(notFound(request.getTopic()).asException());
          return;
        }
        int deadline = request.getAckDeadlineSeconds() == 0 ? 10 : request.getAckDeadlineSeconds();
        addSubscriptionLocked(request.toBuilder().setAckDeadlineSeconds(deadline).build());
        created = state(request.getName()).description;
      }
      response.onNext(created);
      response.onCompleted();
    }

    @Override
    public void getSubscription(
        GetSubscriptionRequest request, StreamObserver<Subscription> response) {
      Subscription found;
      synchronized (lock) {
        Status status = checkAccess(request.getSubscription());
        if (!status.isOk()) {
          response.onError(status.asException());
          return;
        }
        found = state(request.getSubscription()).description;
      }
      response.onNext(found);
      response.onCompleted();
    }

    @Override
    public void deleteSubscription(
        DeleteSubscriptionRequest request, StreamObserver<Empty> response) {
      synchronized (lock) {
        SubscriptionState s = subscriptions.remove(request.getSubscription());
        if (s != null) {
          topics.get(s.topic).subscriptions.remove(s);
          s.streams.forEach(PullStream::close);
        }
      }
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void acknowledge(AcknowledgeRequest request, StreamObserver<Empty> response) {
      settleUnary(request.getSubscription(), request.getAckIdsList(), -1, true, response);
    }

    @Override
    public void modifyAckDeadline(
        ModifyAckDeadlineRequest request, StreamObserver<Empty> response) {
      settleUnary(
          request.getSubscription(),
          request.getAckIdsList(),
          request.getAckDeadlineSeconds(),
          false,
          response);
    }

    private void settleUnary(
        String subscription,
        List<String> ackIdList,
        int deadline,
        boolean isAck,
        StreamObserver<Empty> response) {
      List<String> invalid;
      boolean exactlyOnce;
      synchronized (lock) {
        Status status = checkAccess(subscription);
        if (!status.isOk()) {
          response.onError(status.asException());
          return;
        }
        Status refused = checkSettle(ackIdList, deadline, deadline == -1 && isAck);
        if (!refused.isOk()) {
          response.onError(refused.asException());
          return;
        }
        invalid = settle(subscription, ackIdList, deadline);
        exactlyOnce = state(subscription).exactlyOnce;
      }
      if (exactlyOnce && !invalid.isEmpty()) {
        response.onError(invalidAckIds(invalid));
        return;
      }
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void pull(PullRequest request, StreamObserver<PullResponse> response) {
      List<ReceivedMessage> leased;
      synchronized (lock) {
        Status status = checkAccess(request.getSubscription());
        if (!status.isOk()) {
          response.onError(status.asException());
          return;
        }
        if (request.getMaxMessages() <= 0) {
          response.onError(
              Status.INVALID_ARGUMENT.withDescription("No max_messages specified").asException());
          return;
        }
        SubscriptionState s = state(request.getSubscription());
        leased = leaseForPull(s, request.getMaxMessages(), System.nanoTime());
        if (leased.isEmpty() && !request.getReturnImmediately()) {
          pendingPulls.add(
              new PendingPull(
                  s,
                  request.getMaxMessages(),
                  System.nanoTime() + PULL_WAIT_NANOS,
                  (ServerCallStreamObserver<PullResponse>) response));
          return;
        }
      }
      response.onNext(PullResponse.newBuilder().addAllReceivedMessages(leased).build());
      response.onCompleted();
    }

    @Override
    public StreamObserver<StreamingPullRequest> streamingPull(
        StreamObserver<StreamingPullResponse> response) {
      return new PullStream((ServerCallStreamObserver<StreamingPullResponse>) response);
    }
  }

  /** One StreamingPull stream: its first request names the subscription and its limits. */
  private final class PullStream implements StreamObserver<StreamingPullRequest> {
    private final ServerCallStreamObserver<StreamingPullResponse> response;
    private SubscriptionState subscription;
    private int ackDeadlineSeconds;
    private long maxMessages;
    private long maxBytes;
    private int outstanding;
    private long outstandingBytes;
    private volatile boolean closed;

    PullStream(ServerCallStreamObserver<StreamingPullResponse> response) {
      this.response = response;
      response.setOnCancelHandler(() -> closed = true);
    }

    boolean hasRoomFor(PubsubMessage message) {
      if (closed) {
        return false;
      }
      boolean messagesOk = maxMessages <= 0 || outstanding < maxMessages;
      // As in Pub/Sub, one message is always allowed even when it alone exceeds the byte limit.
      boolean bytesOk =
          maxBytes <= 0
              || outstanding == 0
              || outstandingBytes + message.getSerializedSize() <= maxBytes;
      return messagesOk && bytesOk;
    }

    void released(Lease lease) {
      outstanding--;
      outstandingBytes -= lease.delivery.message.getSerializedSize();
    }

    void send(StreamingPullResponse message) {
      synchronized (this) {
        if (closed) {
          return;
        }
        try {
          response.onNext(message);
        } catch (RuntimeException e) {
          closed = true;
        }
      }
    }

    void close() {
      synchronized (this) {
        if (!closed) {
          closed = true;
          try {
            response.onError(Status.UNAVAILABLE.withDescription("server closing").asException());
          } catch (RuntimeException ignored) {
            // the stream already ended
          }
        }
      }
    }

    @Override
    public void onNext(StreamingPullRequest request) {
      List<String> invalid = List.of();
      synchronized (lock) {
        if (subscription == null) {
          Status status = checkAccess(request.getSubscription());
          if (!status.isOk()) {
            closed = true;
            response.onError(status.asException());
            return;
          }
          subscription = state(request.getSubscription());
          ackDeadlineSeconds =
              request.getStreamAckDeadlineSeconds() > 0
                  ? request.getStreamAckDeadlineSeconds()
                  : subscription.ackDeadlineSeconds;
          maxMessages = request.getMaxOutstandingMessages();
          maxBytes = request.getMaxOutstandingBytes();
          subscription.streamLimits.add(maxMessages);
          subscription.streams.add(this);
        }
        if (request.getStreamAckDeadlineSeconds() > 0) {
          ackDeadlineSeconds = request.getStreamAckDeadlineSeconds();
        }
        Status refused = checkStreamRequest(request);
        if (!refused.isOk()) {
          closed = true;
          response.onError(refused.asException());
          return;
        }
        if (subscriptions.get(subscription.name) == subscription) {
          settle(subscription.name, request.getAckIdsList(), -1);
          for (int i = 0; i < request.getModifyDeadlineAckIdsCount(); i++) {
            settle(
                subscription.name,
                List.of(request.getModifyDeadlineAckIds(i)),
                request.getModifyDeadlineSeconds(i));
          }
        }
      }
    }

    private Status checkStreamRequest(StreamingPullRequest request) {
      if (request.getModifyDeadlineAckIdsCount() != request.getModifyDeadlineSecondsCount()) {
        return Status.INVALID_ARGUMENT.withDescription(
            "ack IDs and deadlines must have the same size");
      }
      Status acks = checkSettle(request.getAckIdsList(), -1, true);
      if (!acks.isOk()) {
        return acks;
      }
      for (int i = 0; i < request.getModifyDeadlineAckIdsCount(); i++) {
        Status modify =
            checkSettle(
                List.of(request.getModifyDeadlineAckIds(i)),
                request.getModifyDeadlineSeconds(i),
                false);
        if (!modify.isOk()) {
          return modify;
        }
      }
      return Status.OK;
    }

    @Override
    public void onError(Throwable t) {
      closed = true;
    }

    @Override
    public void onCompleted() {
      synchronized (this) {
        if (!closed) {
          closed = true;
          response.onCompleted();
        }
      }
    }
  }

  /** A synchronous Pull that found nothing ready and waits a little for a message. */
  private final class PendingPull {
    final SubscriptionState subscription;
    final int maxMessages;
    final long deadlineNanos;
    final ServerCallStreamObserver<PullResponse> response;

    PendingPull(
        SubscriptionState subscription,
        int maxMessages,
        long deadlineNanos,
        ServerCallStreamObserver<PullResponse> response) {
      this.subscription = subscription;
      this.maxMessages = maxMessages;
      this.deadlineNanos = deadlineNanos;
      this.response = response;
    }

    /** Under the lock: the answer to send now, or null to keep waiting. */
    Runnable tryAnswer(long now) {
      if (response.isCancelled()) {
        // The caller gave up: lease nothing to it.
        return () -> {};
      }
      if (subscriptions.get(subscription.name) != subscription) {
        Status gone = notFound(subscription.name);
        return () -> response.onError(gone.asException());
      }
      if (subscription.ready.isEmpty() && deadlineNanos - now > 0) {
        return null;
      }
      PullResponse answer =
          PullResponse.newBuilder()
              .addAllReceivedMessages(leaseForPull(subscription, maxMessages, now))
              .build();
      return () -> {
        try {
          response.onNext(answer);
          response.onCompleted();
        } catch (RuntimeException e) {
          // The call ended meanwhile; its leases expire and are redelivered.
        }
      };
    }
  }

  private static final class TopicState {
    final List<PubsubMessage> published = new ArrayList<>();
    final List<SubscriptionState> subscriptions = new ArrayList<>();
  }

  private final class SubscriptionState {
    final Subscription description;
    final String name;
    final String topic;
    final int ackDeadlineSeconds;
    final boolean exactlyOnce;
    final ArrayDeque<Delivery> ready = new ArrayDeque<>();
    final Map<String, Lease> leases = new LinkedHashMap<>();
    final List<String> acked = new ArrayList<>();
    final List<Long> streamLimits = new ArrayList<>();
    final List<PullStream> streams = new ArrayList<>();
    long deliveries;
    int peakPerStream;

    SubscriptionState(Subscription description) {
      this.description = description;
      this.name = description.getName();
      this.topic = description.getTopic();
      this.ackDeadlineSeconds = description.getAckDeadlineSeconds();
      this.exactlyOnce = description.getEnableExactlyOnceDelivery();
    }

    /**
     * Ends a lease; a nacked or expired message goes to the front of the queue, or to the
     * dead-letter topic once it was delivered as often as the dead-letter policy allows.
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
      TopicState deadLetters = topics.get(policy.getDeadLetterTopic());
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
      publishLocked(
          deadLetters,
          List.of(
              m.toBuilder()
                  .clearMessageId()
                  .clearPublishTime()
                  .putAttributes(
                      "CloudPubSubDeadLetterSourceDeliveryCount",
                      Integer.toString(delivery.attempts))
                  .putAttributes("CloudPubSubDeadLetterSourceSubscription", parts[3])
                  .putAttributes("CloudPubSubDeadLetterSourceSubscriptionProject", parts[1])
                  .putAttributes(
                      "CloudPubSubDeadLetterSourceTopicPublishTime", published.toString())
                  .build()));
    }
  }

  /** A message of one subscription, with the deliveries made so far. */
  private static final class Delivery {
    final PubsubMessage message;
    int attempts;

    Delivery(PubsubMessage message) {
      this.message = message;
    }
  }

  private static final class Lease {
    final String ackId;
    final Delivery delivery;

    /** The stream the message was leased to, or null for a synchronous Pull. */
    final PullStream stream;

    long deadlineNanos;

    Lease(String ackId, Delivery delivery, PullStream stream, long deadlineNanos) {
      this.ackId = ackId;
      this.delivery = delivery;
      this.stream = stream;
      this.deadlineNanos = deadlineNanos;
    }
  }
}

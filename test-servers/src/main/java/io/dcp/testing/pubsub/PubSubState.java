package io.dcp.testing.pubsub;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.StreamingPullResponse;
import com.google.pubsub.v1.Subscription;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The topics and subscriptions of the fake Pub/Sub, and the rules both services apply to them:
 * publishing, leasing, settling, dispatching to streams, and the emulator's answers to requests it
 * refuses. Everything but the id counters and the denied list is used under {@link #lock}.
 */
final class PubSubState {
  /** Messages per Publish request, at most. */
  static final int MAX_MESSAGES_PER_PUBLISH = 1_000;

  /** Messages per StreamingPull or Pull response, at most. */
  static final int MAX_MESSAGES_PER_RESPONSE = 1_000;

  /** How long a synchronous Pull waits for a message before it answers empty. */
  static final long PULL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** How often leases are checked for an expired ack deadline. */
  private static final long LEASE_SCAN_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  private static final String ACK_ID_PREFIX = "ack-";

  final Object lock = new Object();
  final Map<String, TopicState> topics = new HashMap<>();
  final Map<String, SubscriptionState> subscriptions = new HashMap<>();
  final List<String> denied = new CopyOnWriteArrayList<>();
  final List<PendingPull> pendingPulls = new ArrayList<>();
  private final AtomicLong messageIds = new AtomicLong();
  private final AtomicLong ackIds = new AtomicLong();
  private long lastLeaseScan;

  void addSubscriptionLocked(Subscription description) {
    SubscriptionState s = new SubscriptionState(description, this);
    subscriptions.put(description.getName(), s);
    topics.get(description.getTopic()).subscriptions.add(s);
  }

  SubscriptionState subscription(String subscription) {
    SubscriptionState s = subscriptions.get(subscription);
    if (s == null) {
      throw new IllegalArgumentException("no subscription " + subscription);
    }
    return s;
  }

  /** The emulator's answer to a Publish of {@code messages}, or OK. */
  static Status checkPublish(List<PubsubMessage> messages) {
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

  List<String> publishLocked(TopicState topic, List<PubsubMessage> messages) {
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

  /**
   * Under the lock: answers waiting Pulls, expires leases past their deadline and leases ready
   * messages to streams with room; returns the sends to make once the lock is released.
   */
  List<Runnable> dispatchLocked(long now) {
    List<Runnable> sends = new ArrayList<>();
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
      for (StreamingPullSession stream : s.streams) {
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
    return sends;
  }

  /**
   * Leases the next ready message of {@code s} for {@code deadlineSeconds}, to {@code stream} or,
   * when null, to a synchronous Pull.
   */
  private ReceivedMessage lease(
      SubscriptionState s, StreamingPullSession stream, int deadlineSeconds, long now) {
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
  List<ReceivedMessage> leaseForPull(SubscriptionState s, int maxMessages, long now) {
    List<ReceivedMessage> leased = new ArrayList<>();
    int limit = Math.min(maxMessages, MAX_MESSAGES_PER_RESPONSE);
    while (!s.ready.isEmpty() && leased.size() < limit) {
      leased.add(lease(s, null, s.ackDeadlineSeconds, now));
    }
    return leased;
  }

  Status checkAccess(String subscription) {
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
  static Status notFound(String name) {
    return Status.NOT_FOUND.withDescription(
        "Resource not found (resource=" + name.substring(name.lastIndexOf('/') + 1) + ").");
  }

  /**
   * The emulator's answer to settling {@code ackIdList} with {@code deadlineSeconds} (-1 for an
   * ack, checked as such), or OK: a negative deadline or an ack id never issued is refused whole.
   */
  Status checkSettle(List<String> ackIdList, int deadlineSeconds, boolean ack) {
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
  List<String> settle(String subscription, List<String> ackIdList, int deadlineSeconds) {
    List<String> invalid = new ArrayList<>();
    SubscriptionState s = subscription(subscription);
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
  static StatusRuntimeException invalidAckIds(List<String> invalid) {
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
}

package io.dcp.testing.pubsub;

import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.StreamingPullRequest;
import com.google.pubsub.v1.StreamingPullResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** One StreamingPull stream: its first request names the subscription and its limits. */
final class StreamingPullSession implements StreamObserver<StreamingPullRequest> {
  private final ServerCallStreamObserver<StreamingPullResponse> response;
  private final PubSubState state;
  private SubscriptionState subscription;
  int ackDeadlineSeconds;
  private long maxMessages;
  private long maxBytes;
  int outstanding;
  long outstandingBytes;
  volatile boolean closed;

  StreamingPullSession(
      ServerCallStreamObserver<StreamingPullResponse> response, PubSubState state) {
    this.response = response;
    this.state = state;
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
    synchronized (state.lock) {
      if (subscription == null) {
        Status status = state.checkAccess(request.getSubscription());
        if (!status.isOk()) {
          closed = true;
          response.onError(status.asException());
          return;
        }
        subscription = state.subscription(request.getSubscription());
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
      if (state.subscriptions.get(subscription.name) == subscription) {
        state.settle(subscription.name, request.getAckIdsList(), -1);
        for (int i = 0; i < request.getModifyDeadlineAckIdsCount(); i++) {
          state.settle(
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
    Status acks = state.checkSettle(request.getAckIdsList(), -1, true);
    if (!acks.isOk()) {
      return acks;
    }
    for (int i = 0; i < request.getModifyDeadlineAckIdsCount(); i++) {
      Status modify =
          state.checkSettle(
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

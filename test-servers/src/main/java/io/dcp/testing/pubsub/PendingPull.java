package io.dcp.testing.pubsub;

import com.google.pubsub.v1.PullResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;

/** A synchronous Pull that found nothing ready and waits a little for a message. */
final class PendingPull {
  private final PubSubState state;
  private final SubscriptionState subscription;
  private final int maxMessages;
  private final long deadlineNanos;
  private final ServerCallStreamObserver<PullResponse> response;

  PendingPull(
      PubSubState state,
      SubscriptionState subscription,
      int maxMessages,
      long deadlineNanos,
      ServerCallStreamObserver<PullResponse> response) {
    this.state = state;
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
    if (state.subscriptions.get(subscription.name) != subscription) {
      Status gone = PubSubState.notFound(subscription.name);
      return () -> response.onError(gone.asException());
    }
    if (subscription.ready.isEmpty() && deadlineNanos - now > 0) {
      return null;
    }
    PullResponse answer =
        PullResponse.newBuilder()
            .addAllReceivedMessages(state.leaseForPull(subscription, maxMessages, now))
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

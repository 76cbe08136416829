package io.dcp.testing.pubsub;

import com.google.protobuf.Empty;
import com.google.pubsub.v1.AcknowledgeRequest;
import com.google.pubsub.v1.DeleteSubscriptionRequest;
import com.google.pubsub.v1.GetSubscriptionRequest;
import com.google.pubsub.v1.ModifyAckDeadlineRequest;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.pubsub.v1.ReceivedMessage;
import com.google.pubsub.v1.StreamingPullRequest;
import com.google.pubsub.v1.StreamingPullResponse;
import com.google.pubsub.v1.SubscriberGrpc;
import com.google.pubsub.v1.Subscription;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.List;

/**
 * The fake's {@code Subscriber} service: subscriptions, synchronous Pull, acks and deadline
 * changes, and StreamingPull, whose streams are {@link StreamingPullSession}s.
 */
final class FakeSubscriberService extends SubscriberGrpc.SubscriberImplBase {
  private final PubSubState state;

  FakeSubscriberService(PubSubState state) {
    this.state = state;
  }

  @Override
  public void createSubscription(Subscription request, StreamObserver<Subscription> response) {
    Subscription created;
    synchronized (state.lock) {
      if (state.subscriptions.containsKey(request.getName())) {
        response.onError(
            Status.ALREADY_EXISTS.withDescription("Subscription already exists").asException());
        return;
      }
      if (!state.topics.containsKey(request.getTopic())) {
        response.onError(PubSubState.notFound(request.getTopic()).asException());
        return;
      }
      int deadline = request.getAckDeadlineSeconds() == 0 ? 10 : request.getAckDeadlineSeconds();
      state.addSubscriptionLocked(request.toBuilder().setAckDeadlineSeconds(deadline).build());
      created = state.subscription(request.getName()).description;
    }
    response.onNext(created);
    response.onCompleted();
  }

  @Override
  public void getSubscription(
      GetSubscriptionRequest request, StreamObserver<Subscription> response) {
    Subscription found;
    synchronized (state.lock) {
      Status status = state.checkAccess(request.getSubscription());
      if (!status.isOk()) {
        response.onError(status.asException());
        return;
      }
      found = state.subscription(request.getSubscription()).description;
    }
    response.onNext(found);
    response.onCompleted();
  }

  @Override
  public void deleteSubscription(
      DeleteSubscriptionRequest request, StreamObserver<Empty> response) {
    synchronized (state.lock) {
      SubscriptionState s = state.subscriptions.remove(request.getSubscription());
      if (s != null) {
        state.topics.get(s.topic).subscriptions.remove(s);
        s.streams.forEach(StreamingPullSession::close);
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
  public void modifyAckDeadline(ModifyAckDeadlineRequest request, StreamObserver<Empty> response) {
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
    synchronized (state.lock) {
      Status status = state.checkAccess(subscription);
      if (!status.isOk()) {
        response.onError(status.asException());
        return;
      }
      Status refused = state.checkSettle(ackIdList, deadline, deadline == -1 && isAck);
      if (!refused.isOk()) {
        response.onError(refused.asException());
        return;
      }
      invalid = state.settle(subscription, ackIdList, deadline);
      exactlyOnce = state.subscription(subscription).exactlyOnce;
    }
    if (exactlyOnce && !invalid.isEmpty()) {
      response.onError(PubSubState.invalidAckIds(invalid));
      return;
    }
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }

  @Override
  public void pull(PullRequest request, StreamObserver<PullResponse> response) {
    List<ReceivedMessage> leased;
    synchronized (state.lock) {
      Status status = state.checkAccess(request.getSubscription());
      if (!status.isOk()) {
        response.onError(status.asException());
        return;
      }
      if (request.getMaxMessages() <= 0) {
        response.onError(
            Status.INVALID_ARGUMENT.withDescription("No max_messages specified").asException());
        return;
      }
      SubscriptionState s = state.subscription(request.getSubscription());
      leased = state.leaseForPull(s, request.getMaxMessages(), System.nanoTime());
      if (leased.isEmpty() && !request.getReturnImmediately()) {
        state.pendingPulls.add(
            new PendingPull(
                state,
                s,
                request.getMaxMessages(),
                System.nanoTime() + PubSubState.PULL_WAIT_NANOS,
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
    return new StreamingPullSession(
        (ServerCallStreamObserver<StreamingPullResponse>) response, state);
  }
}

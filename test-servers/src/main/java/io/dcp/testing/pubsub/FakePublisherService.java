package io.dcp.testing.pubsub;

import com.google.pubsub.v1.GetTopicRequest;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublishResponse;
import com.google.pubsub.v1.PublisherGrpc;
import com.google.pubsub.v1.Topic;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;

/** The fake's {@code Publisher} service: creates and reads topics and publishes to them. */
final class FakePublisherService extends PublisherGrpc.PublisherImplBase {
  private final PubSubState state;

  FakePublisherService(PubSubState state) {
    this.state = state;
  }

  @Override
  public void createTopic(Topic request, StreamObserver<Topic> response) {
    synchronized (state.lock) {
      if (state.topics.containsKey(request.getName())) {
        response.onError(
            Status.ALREADY_EXISTS.withDescription("Topic already exists").asException());
        return;
      }
      state.topics.put(request.getName(), new TopicState());
    }
    response.onNext(request);
    response.onCompleted();
  }

  @Override
  public void getTopic(GetTopicRequest request, StreamObserver<Topic> response) {
    boolean exists;
    synchronized (state.lock) {
      exists = state.topics.containsKey(request.getTopic());
    }
    if (!exists) {
      response.onError(PubSubState.notFound(request.getTopic()).asException());
      return;
    }
    response.onNext(Topic.newBuilder().setName(request.getTopic()).build());
    response.onCompleted();
  }

  @Override
  public void publish(PublishRequest request, StreamObserver<PublishResponse> response) {
    List<String> ids;
    synchronized (state.lock) {
      TopicState t = state.topics.get(request.getTopic());
      if (t == null) {
        response.onError(PubSubState.notFound(request.getTopic()).asException());
        return;
      }
      Status refused = PubSubState.checkPublish(request.getMessagesList());
      if (!refused.isOk()) {
        response.onError(refused.asException());
        return;
      }
      ids = state.publishLocked(t, request.getMessagesList());
    }
    response.onNext(PublishResponse.newBuilder().addAllMessageIds(ids).build());
    response.onCompleted();
  }
}

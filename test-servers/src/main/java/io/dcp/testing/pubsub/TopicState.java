package io.dcp.testing.pubsub;

import com.google.pubsub.v1.PubsubMessage;
import java.util.ArrayList;
import java.util.List;

/** A topic of the fake Pub/Sub: what was published to it and its subscriptions. */
final class TopicState {
  final List<PubsubMessage> published = new ArrayList<>();
  final List<SubscriptionState> subscriptions = new ArrayList<>();
}

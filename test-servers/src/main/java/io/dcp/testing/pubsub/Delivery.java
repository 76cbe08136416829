package io.dcp.testing.pubsub;

import com.google.pubsub.v1.PubsubMessage;

/** A message of one subscription, with the deliveries made so far. */
final class Delivery {
  final PubsubMessage message;
  int attempts;

  Delivery(PubsubMessage message) {
    this.message = message;
  }
}

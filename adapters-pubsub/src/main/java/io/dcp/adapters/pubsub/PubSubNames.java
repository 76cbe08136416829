package io.dcp.adapters.pubsub;

import java.util.regex.Pattern;

/** Checks the shape of Pub/Sub resource names handed to the adapters. */
final class PubSubNames {
  private static final Pattern SUBSCRIPTION = Pattern.compile("projects/[^/]+/subscriptions/[^/]+");
  private static final Pattern TOPIC = Pattern.compile("projects/[^/]+/topics/[^/]+");

  private PubSubNames() {}

  static void requireSubscription(String name) {
    if (name == null || !SUBSCRIPTION.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "not a subscription name: '" + name + "' (expected projects/P/subscriptions/S)");
    }
  }

  static void requireTopic(String name) {
    if (name == null || !TOPIC.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "not a topic name: '" + name + "' (expected projects/P/topics/T)");
    }
  }
}

package io.dcp.testing.pubsub;

import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.Subscription;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

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
  private final PubSubState state = new PubSubState();
  private final ScheduledExecutorService dispatcher;
  private final Server server;

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
            .addService(new FakePublisherService(state))
            .addService(new FakeSubscriberService(state))
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
    synchronized (state.lock) {
      state.topics.putIfAbsent(topic, new TopicState());
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
    synchronized (state.lock) {
      TopicState t = state.topics.get(topic);
      if (t == null) {
        throw new IllegalArgumentException("no topic " + topic);
      }
      state.addSubscriptionLocked(
          Subscription.newBuilder()
              .setName(subscription)
              .setTopic(topic)
              .setAckDeadlineSeconds(ackDeadlineSeconds)
              .setEnableExactlyOnceDelivery(exactlyOnce)
              .build());
    }
  }

  /** Creates a topic and one at-least-once subscription to it with a 10 s ack deadline. */
  public void createTopicAndSubscription(String topic, String subscription) {
    createTopic(topic);
    createSubscription(subscription, topic, 10, false);
  }

  /** Publishes messages directly, as the Publish call does; returns their ids. */
  public List<String> publish(String topic, List<PubsubMessage> messages) {
    synchronized (state.lock) {
      TopicState t = state.topics.get(topic);
      if (t == null) {
        throw new IllegalArgumentException("no topic " + topic);
      }
      return state.publishLocked(t, messages);
    }
  }

  /** Returns every message published to {@code topic}, with its id and publish time. */
  public List<PubsubMessage> published(String topic) {
    synchronized (state.lock) {
      TopicState t = state.topics.get(topic);
      return t == null ? List.of() : List.copyOf(t.published);
    }
  }

  /** Returns the ids of the messages acked on {@code subscription}, once per successful ack. */
  public List<String> ackedIds(String subscription) {
    synchronized (state.lock) {
      return List.copyOf(state.subscription(subscription).acked);
    }
  }

  /** Returns how many acks of {@code subscription} succeeded. */
  public int ackedCount(String subscription) {
    synchronized (state.lock) {
      return state.subscription(subscription).acked.size();
    }
  }

  /** Returns how many deliveries {@code subscription} made, redeliveries included. */
  public long deliveries(String subscription) {
    synchronized (state.lock) {
      return state.subscription(subscription).deliveries;
    }
  }

  /** Returns the messages of {@code subscription} neither acked nor leased. */
  public int backlog(String subscription) {
    synchronized (state.lock) {
      return state.subscription(subscription).ready.size();
    }
  }

  /** Returns the number of messages leased to subscribers and not yet acked or nacked. */
  public int outstanding(String subscription) {
    synchronized (state.lock) {
      return state.subscription(subscription).leases.size();
    }
  }

  /** Returns the largest number of messages leased at once to one stream of a subscription. */
  public int peakOutstandingPerStream(String subscription) {
    synchronized (state.lock) {
      return state.subscription(subscription).peakPerStream;
    }
  }

  /** Returns the flow-control limits the streams of {@code subscription} asked for, in order. */
  public List<Long> streamMaxOutstandingMessages(String subscription) {
    synchronized (state.lock) {
      return List.copyOf(state.subscription(subscription).streamLimits);
    }
  }

  /** Ends every lease of {@code subscription} now, as if its ack deadline had passed. */
  public void expireLeases(String subscription) {
    synchronized (state.lock) {
      SubscriptionState s = state.subscription(subscription);
      for (Lease lease : List.copyOf(s.leases.values())) {
        s.endLease(lease, true);
      }
    }
  }

  /** Makes every call on {@code subscription} fail with PERMISSION_DENIED from now on. */
  public void denyAccess(String subscription) {
    state.denied.add(subscription);
  }

  @Override
  public void close() {
    dispatcher.shutdownNow();
    synchronized (state.lock) {
      for (SubscriptionState s : state.subscriptions.values()) {
        for (StreamingPullSession stream : s.streams) {
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

  /** Answers waiting Pulls, expires leases and hands ready messages to streams with room. */
  private void dispatch() {
    List<Runnable> sends;
    synchronized (state.lock) {
      sends = state.dispatchLocked(System.nanoTime());
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
}

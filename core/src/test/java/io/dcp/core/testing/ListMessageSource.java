package io.dcp.core.testing;

import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded source over a list of messages, pushed from one or more threads, that records how each
 * message was settled.
 */
public final class ListMessageSource implements MessageSource {
  private final List<Message> messages;
  private final int threads;
  private final EventLog events;
  private final Map<String, AtomicInteger> acks = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> nacks = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> exhausted = new CompletableFuture<>();
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean stopped;
  private volatile boolean closed;

  public ListMessageSource(List<Message> messages, int threads, EventLog events) {
    this.messages = List.copyOf(messages);
    this.threads = threads;
    this.events = events;
  }

  public ListMessageSource(List<Message> messages) {
    this(messages, 1, new EventLog());
  }

  @Override
  public void start(MessageReceiver receiver) {
    AtomicInteger next = new AtomicInteger();
    AtomicInteger running = new AtomicInteger(threads);
    for (int t = 0; t < threads; t++) {
      Thread worker =
          new Thread(
              () -> {
                int i;
                while (!stopped && (i = next.getAndIncrement()) < messages.size()) {
                  Message m = messages.get(i);
                  try {
                    receiver.receive(m, acknowledger(m.id()));
                  } catch (InterruptedException e) {
                    nacks.computeIfAbsent(m.id(), k -> new AtomicInteger()).incrementAndGet();
                    return;
                  }
                }
                if (running.decrementAndGet() == 0 && !stopped) {
                  exhausted.complete(null);
                }
              },
              "list-source-" + t);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  private Acknowledger acknowledger(String id) {
    return new Acknowledger() {
      @Override
      public void ack() {
        acks.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        events.record("ack:" + id);
      }

      @Override
      public void nack() {
        nacks.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
        events.record("nack:" + id);
      }
    };
  }

  @Override
  public CompletionStage<Void> exhausted() {
    return exhausted;
  }

  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public void close() {
    closed = true;
  }

  /** Whether {@link #stop} was called. */
  public boolean isStopped() {
    return stopped;
  }

  /** How many times the message was acked. */
  public int acks(String id) {
    AtomicInteger n = acks.get(id);
    return n == null ? 0 : n.get();
  }

  /** How many times the message was nacked. */
  public int nacks(String id) {
    AtomicInteger n = nacks.get(id);
    return n == null ? 0 : n.get();
  }

  public int totalAcks() {
    return acks.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public int totalNacks() {
    return nacks.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  public boolean isClosed() {
    return closed;
  }
}

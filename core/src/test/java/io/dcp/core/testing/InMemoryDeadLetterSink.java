package io.dcp.core.testing;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.SinkException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A dead-letter sink that keeps what it commits in memory and can be told to fail. */
public final class InMemoryDeadLetterSink implements DeadLetterSink {
  private final List<DeadLetter> committed = new ArrayList<>();
  private final AtomicInteger transientFailures = new AtomicInteger();
  private final EventLog events;
  private volatile boolean down;
  private volatile boolean closed;

  public InMemoryDeadLetterSink(EventLog events) {
    this.events = events;
  }

  public InMemoryDeadLetterSink() {
    this(new EventLog());
  }

  /** The next {@code n} writes fail transiently. */
  public InMemoryDeadLetterSink failTransiently(int n) {
    transientFailures.set(n);
    return this;
  }

  /** Every write fails permanently until {@code down(false)}. */
  public InMemoryDeadLetterSink down(boolean isDown) {
    this.down = isDown;
    return this;
  }

  @Override
  public void write(List<DeadLetter> deadLetters) throws SinkException {
    if (down) {
      throw SinkException.permanentFailure("PERMISSION_DENIED: dead-letter table", null);
    }
    if (transientFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      throw SinkException.transientFailure("UNAVAILABLE: injected outage", null);
    }
    synchronized (this) {
      committed.addAll(deadLetters);
      deadLetters.forEach(d -> events.record("deadletter:" + d.message().id()));
    }
  }

  /** Dead letters committed, in order. */
  public synchronized List<DeadLetter> deadLetters() {
    return List.copyOf(committed);
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}

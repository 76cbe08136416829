package io.dcp.core.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * An ordered, thread-safe record of events (commits, acks), to assert what happened before what.
 */
public final class EventLog {
  private final List<String> events = new ArrayList<>();

  public synchronized void record(String event) {
    events.add(event);
  }

  public synchronized List<String> events() {
    return List.copyOf(events);
  }

  /** Position of the first occurrence of {@code event}, or -1. */
  public synchronized int indexOf(String event) {
    return events.indexOf(event);
  }
}

package io.dcp.core.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/** The most recently committed message ids, at most {@code capacity}, oldest forgotten first. */
final class CommittedIds {
  private final Map<String, Boolean> ids;

  CommittedIds(int capacity) {
    this.ids =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized boolean contains(String id) {
    return ids.containsKey(id);
  }

  synchronized void add(String id) {
    ids.put(id, Boolean.TRUE);
  }
}

package io.dcp.core.port;

import io.dcp.core.model.DeadLetter;
import java.util.List;

/**
 * Reads back the dead letters a dead-letter table (or a subscription of a dead-letter topic) holds,
 * and removes those that were stored again: what replaying them after a mapping fix needs.
 *
 * <p>Thread-safe. Failures are {@link SinkException}s classified like writes. Whoever opens a store
 * closes it.
 */
public interface DeadLetterStore extends AutoCloseable {

  /** A dead letter as stored, with the key that removes it. */
  record Stored(String key, DeadLetter deadLetter) {
    public Stored {
      java.util.Objects.requireNonNull(key, "key");
      java.util.Objects.requireNonNull(deadLetter, "deadLetter");
    }
  }

  /** Returns the stored dead letters {@code query} selects, oldest first. */
  List<Stored> find(DeadLetterQuery query) throws SinkException;

  /** Removes {@code deadLetters}; a key no longer present is ignored. */
  void remove(List<Stored> deadLetters) throws SinkException;

  /**
   * What {@link #remove} does to a dead letter, as a replay's summary says it after "2 landed and":
   * {@code left the dead-letter table}, say, or, for a store that cannot delete, {@code were marked
   * replayed in} its ledger.
   */
  String replayed();

  /**
   * What the last {@link #find} left alone and why, one sentence each, for a replay's summary:
   * stored rows that are no dcp dead letters, say. Empty when it left nothing alone.
   */
  default List<String> notes() {
    return List.of();
  }

  /** Releases the clients the store holds; called once, after its last use. */
  @Override
  void close();
}

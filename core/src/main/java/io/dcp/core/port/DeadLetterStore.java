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

  /** Releases the clients the store holds; called once, after its last use. */
  @Override
  void close();
}

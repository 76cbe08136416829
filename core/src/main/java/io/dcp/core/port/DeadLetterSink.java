package io.dcp.core.port;

import io.dcp.core.model.DeadLetter;
import java.util.List;

/**
 * Stores dead letters: a table (BigQuery, DuckDB) or a Pub/Sub topic.
 *
 * <p>Same contract as {@link RowSink}: thread-safe, and when {@link #write} returns every dead
 * letter in the list is committed, so the pipeline may ack their messages. There is no partial
 * outcome: a dead letter the sink cannot take fails the call, and the messages are nacked.
 */
public interface DeadLetterSink extends AutoCloseable {

  /**
   * Writes and commits dead letters.
   *
   * @throws SinkException when they cannot all be taken as committed
   */
  void write(List<DeadLetter> deadLetters) throws SinkException;

  /** Flushes and releases resources. */
  @Override
  void close();
}

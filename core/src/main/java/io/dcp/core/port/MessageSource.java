package io.dcp.core.port;

import java.util.concurrent.CompletionStage;

/**
 * Delivers messages to the pipeline: a Pub/Sub subscription, NDJSON files, an HTTP endpoint.
 *
 * <p>Lifecycle: {@link #start} once, then {@link #stop} once, then {@link #close} once. Between
 * {@code start} and {@code stop} the source calls {@link MessageReceiver#receive} from threads of
 * its own. Messages it delivered may still be acked or nacked after {@code stop} returns, up to
 * {@code close}; a message never settled before {@code close} must be redelivered by the source's
 * own means (the Pub/Sub ack deadline, re-reading a file).
 */
public interface MessageSource extends AutoCloseable {

  /**
   * Starts delivering to {@code receiver} and returns.
   *
   * @throws SourceException if the source cannot start (missing subscription, no permission,
   *     unreadable file); the message says what to fix
   */
  void start(MessageReceiver receiver) throws SourceException;

  /**
   * Completes when a bounded source has handed over its last message (end of the files); never
   * completes for an unbounded source. Completes exceptionally if delivery failed for good.
   */
  CompletionStage<Void> exhausted();

  /** Stops taking new messages; returns once no more {@code receive} calls will be made. */
  void stop();

  /** Releases the source's resources; pending acks are flushed first where possible. */
  @Override
  void close();
}

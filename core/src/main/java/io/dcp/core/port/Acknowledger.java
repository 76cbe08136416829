package io.dcp.core.port;

/**
 * Settles one delivered message with its source.
 *
 * <p>The pipeline calls exactly one of {@link #ack} or {@link #nack}, exactly once, from any
 * thread: {@code ack} only after the message's rows or its dead letter were committed, {@code nack}
 * when they could not be, so the source redelivers it. Implementations must not block for long;
 * sources that settle remotely do it asynchronously.
 */
public interface Acknowledger {

  /** The message is safely stored; the source may forget it. */
  void ack();

  /** The message was not stored; the source should deliver it again. */
  void nack();
}

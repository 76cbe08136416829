package io.dcp.core.port;

import io.dcp.core.model.Message;

/** Accepts messages from a {@link MessageSource}; implemented by the pipeline. */
public interface MessageReceiver {

  /**
   * Hands one message to the pipeline, which settles it later through {@code acknowledger}.
   *
   * <p>Blocks while the pipeline holds as many messages or bytes as it allows in flight: this is
   * how backpressure reaches the source. Safe to call from several threads at once.
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting for room; the
   *     message was not taken and the source should nack it
   */
  void receive(Message message, Acknowledger acknowledger) throws InterruptedException;
}

package io.dcp.adapters.pubsub;

import static java.util.Objects.requireNonNull;

import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.SourceException;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * A {@link MessageSource} that adds the id of each message its receiver acks to a list, then acks
 * it on the wrapped source: what a test reads where Pub/Sub's emulator does not report acks.
 */
final class AckRecordingSource implements MessageSource {
  private final MessageSource source;
  private final List<String> acked;

  /** {@code acked} must be safe for concurrent adds (acks come from pipeline threads). */
  AckRecordingSource(MessageSource source, List<String> acked) {
    this.source = requireNonNull(source, "source");
    this.acked = requireNonNull(acked, "acked");
  }

  @Override
  public void start(MessageReceiver receiver) throws SourceException {
    source.start(
        (message, acknowledger) ->
            receiver.receive(
                message,
                new Acknowledger() {
                  @Override
                  public void ack() {
                    acknowledger.ack();
                    acked.add(message.id());
                  }

                  @Override
                  public void nack() {
                    acknowledger.nack();
                  }
                }));
  }

  @Override
  public CompletionStage<Void> exhausted() {
    return source.exhausted();
  }

  @Override
  public void stop() {
    source.stop();
  }

  @Override
  public void close() {
    source.close();
  }
}

package io.dcp.core.testing;

import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** An unbounded source a test pushes messages into, one call at a time. */
public final class ManualMessageSource implements MessageSource {
  private volatile MessageReceiver receiver;
  private volatile boolean stopped;

  @Override
  public void start(MessageReceiver receiver) {
    this.receiver = receiver;
  }

  /** Hands {@code message} to the pipeline on the calling thread; the future settles with it. */
  public CompletableFuture<Boolean> push(Message message) throws InterruptedException {
    if (stopped) {
      throw new IllegalStateException("source stopped");
    }
    CompletableFuture<Boolean> settled = new CompletableFuture<>();
    receiver.receive(
        message,
        new Acknowledger() {
          @Override
          public void ack() {
            if (!settled.complete(true)) {
              throw new AssertionError("settled twice: " + message.id());
            }
          }

          @Override
          public void nack() {
            if (!settled.complete(false)) {
              throw new AssertionError("settled twice: " + message.id());
            }
          }
        });
    return settled;
  }

  @Override
  public CompletionStage<Void> exhausted() {
    return new CompletableFuture<>();
  }

  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public void close() {}

  /** Whether {@link #stop} was called. */
  public boolean stopped() {
    return stopped;
  }
}

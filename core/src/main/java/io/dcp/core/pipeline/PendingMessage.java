package io.dcp.core.pipeline;

import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A message between its receipt and its settlement, with the rows of it still being written.
 *
 * <p>Its rows may be written by several batches on several threads; the last one to finish decides
 * the outcome. {@link #settle} guarantees one ack or nack, once.
 */
final class PendingMessage {
  final Message message;
  private final Acknowledger acknowledger;
  private final AtomicBoolean settled = new AtomicBoolean();
  private int outstandingRows;
  private boolean failed;
  private String rowRejection;

  PendingMessage(Message message, Acknowledger acknowledger) {
    this.message = message;
    this.acknowledger = acknowledger;
  }

  synchronized void expectRows(int rows) {
    outstandingRows = rows;
  }

  /** Records one row's outcome; returns true when it was the message's last row. */
  synchronized boolean rowDone(String rejection, boolean writeFailed) {
    if (rejection != null && rowRejection == null) {
      rowRejection = rejection;
    }
    failed |= writeFailed;
    return --outstandingRows == 0;
  }

  synchronized boolean failed() {
    return failed;
  }

  synchronized String rowRejection() {
    return rowRejection;
  }

  boolean isSettled() {
    return settled.get();
  }

  /** Acks or nacks once; returns false if the message was already settled. */
  boolean settle(boolean ack) {
    if (!settled.compareAndSet(false, true)) {
      return false;
    }
    if (ack) {
      acknowledger.ack();
    } else {
      acknowledger.nack();
    }
    return true;
  }
}

package io.dcp.core.pipeline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds the messages and bytes in flight; {@link #acquire} blocks the source past the bounds.
 *
 * <p>A message larger than the byte bound is admitted when nothing else is in flight, so one huge
 * message cannot block the pipeline for ever.
 */
final class InFlightLimiter {
  private final int maxMessages;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition released = lock.newCondition();
  private long messages;
  private long bytes;
  private boolean refusing;

  InFlightLimiter(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /**
   * Takes room for one message of {@code size} bytes, waiting for it; returns false, taking
   * nothing, once {@link #refuseNew} was called (a source's stop waits for this call to return).
   */
  boolean acquire(int size) throws InterruptedException {
    lock.lockInterruptibly();
    try {
      while (!refusing && !fits(size)) {
        released.await();
      }
      if (refusing) {
        return false;
      }
      messages++;
      bytes += size;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Makes every waiting and later {@link #acquire} return false: the pipeline is stopping. */
  void refuseNew() {
    lock.lock();
    try {
      refusing = true;
      released.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void release(int size) {
    lock.lock();
    try {
      messages--;
      bytes -= size;
      released.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Waits until nothing is in flight; returns false if {@code timeout} passed first. */
  boolean awaitEmpty(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (messages > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        released.awaitNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  long messages() {
    lock.lock();
    try {
      return messages;
    } finally {
      lock.unlock();
    }
  }

  long bytes() {
    lock.lock();
    try {
      return bytes;
    } finally {
      lock.unlock();
    }
  }

  private boolean fits(int size) {
    if (messages == 0) {
      return true;
    }
    return messages < maxMessages && bytes + size <= maxBytes;
  }
}

package io.dcp.core.port;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a {@link MessageSource} needs to keep the promise of {@link MessageSource#stop}: every call
 * to {@link MessageReceiver#receive} goes through {@link #enter} and {@link #exit}, and {@link
 * #close} returns only once no call is inside and none can enter again.
 *
 * <p>Thread-safe. A receive call that blocks (backpressure) keeps {@code close} waiting: the
 * pipeline refuses new messages before it stops its source, so such a call returns.
 */
public final class ReceiveGate {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition empty = lock.newCondition();
  private final ThreadLocal<int[]> ownCalls = ThreadLocal.withInitial(() -> new int[1]);
  private int inside;
  private boolean closed;

  /** Lets one receive call in; returns false, letting nothing in, once the gate is closed. */
  public boolean enter() {
    lock.lock();
    try {
      if (closed) {
        return false;
      }
      inside++;
      ownCalls.get()[0]++;
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Marks the end of a receive call that {@link #enter} let in. */
  public void exit() {
    lock.lock();
    try {
      inside--;
      ownCalls.get()[0]--;
      empty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the gate was closed. */
  public boolean isClosed() {
    lock.lock();
    try {
      return closed;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Closes the gate and waits until every receive call inside has returned, except those of the
   * calling thread (a receive call that ends up stopping its own source). A thread interrupted
   * while waiting returns at once with its interrupt flag set.
   */
  public void close() {
    lock.lock();
    try {
      closed = true;
      int own = ownCalls.get()[0];
      while (inside > own) {
        empty.await();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }
}

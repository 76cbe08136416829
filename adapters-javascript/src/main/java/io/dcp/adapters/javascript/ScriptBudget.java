package io.dcp.adapters.javascript;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.time.Duration;

/**
 * What one message's call of the UDF may spend before it is a {@code transform} dead letter: a
 * statement count (counted by the engine), a wall-clock time and the bytes its evaluating thread
 * may allocate (both watched from outside the engine).
 *
 * @param maxStatements the statements one message may run ({@code
 *     transform.javascript.maxStatements})
 * @param maxTime the wall-clock time one message may run ({@code transform.javascript.maxMillis})
 * @param maxAllocatedBytes the bytes one message may allocate ({@code
 *     transform.javascript.maxAllocatedBytes})
 */
public record ScriptBudget(long maxStatements, Duration maxTime, long maxAllocatedBytes)
    implements Serializable {
  public ScriptBudget {
    requireNonNull(maxTime, "maxTime");
    if (maxStatements <= 0) {
      throw new IllegalArgumentException("maxStatements must be > 0: " + maxStatements);
    }
    if (maxTime.isZero() || maxTime.isNegative()) {
      throw new IllegalArgumentException("maxTime must be longer than 0: " + maxTime);
    }
    if (maxAllocatedBytes <= 0) {
      throw new IllegalArgumentException("maxAllocatedBytes must be > 0: " + maxAllocatedBytes);
    }
  }
}

package io.dcp.core.port;

/**
 * A whole write failed, classified by the adapter: a transient failure is worth retrying (the
 * service is unavailable, overloaded, timed out, the connection was refused), a permanent one is
 * not (the table is missing, permission denied, the request is invalid as a whole).
 *
 * <p>Row-level rejections are not exceptions: they are {@link WriteResult} values.
 */
public final class SinkException extends Exception {
  private final boolean transientFailure;
  private final boolean fatal;

  private SinkException(String message, Throwable cause, boolean transientFailure, boolean fatal) {
    super(message, cause);
    this.transientFailure = transientFailure;
    this.fatal = fatal;
  }

  /** A failure that may succeed if the same write is retried later. */
  public static SinkException transientFailure(String message, Throwable cause) {
    return new SinkException(message, cause, true, false);
  }

  /** A failure that retrying cannot fix; the message names the table and the fix. */
  public static SinkException permanentFailure(String message, Throwable cause) {
    return new SinkException(message, cause, false, false);
  }

  /**
   * A failure after which the sink can take no write at all (its disk is full, its database was
   * invalidated): the pipeline stops instead of retrying every message. Also permanent.
   */
  public static SinkException fatalFailure(String message, Throwable cause) {
    return new SinkException(message, cause, false, true);
  }

  /** Returns true when the sink can take no more writes and the run should stop. */
  public boolean isFatal() {
    return fatal;
  }

  /** Returns true when retrying the write may succeed. */
  public boolean isTransient() {
    return transientFailure;
  }
}

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

  private SinkException(String message, Throwable cause, boolean transientFailure) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  /** A failure that may succeed if the same write is retried later. */
  public static SinkException transientFailure(String message, Throwable cause) {
    return new SinkException(message, cause, true);
  }

  /** A failure that retrying cannot fix; the message names the table and the fix. */
  public static SinkException permanentFailure(String message, Throwable cause) {
    return new SinkException(message, cause, false);
  }

  /** Returns true when retrying the write may succeed. */
  public boolean isTransient() {
    return transientFailure;
  }
}

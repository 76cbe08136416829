package io.dcp.core.port;

/** A source cannot start or cannot go on; the message says what to fix. */
public final class SourceException extends Exception {

  public SourceException(String message) {
    super(message);
  }

  public SourceException(String message, Throwable cause) {
    super(message, cause);
  }
}

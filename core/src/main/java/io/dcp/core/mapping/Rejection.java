package io.dcp.core.mapping;

/**
 * A value that does not fit its column, thrown from deep inside a coercion and caught once per
 * message, where it becomes a dead letter. It carries no stack trace: it is an outcome, cheap to
 * make, never seen outside this package.
 */
final class Rejection extends RuntimeException {
  final String path;
  final String reason;

  Rejection(Object where, String reason) {
    super(where + ": " + reason, null, false, false);
    this.path = String.valueOf(where);
    this.reason = reason;
  }
}

package io.dcp.testing.pubsub;

/** A delivered message awaiting its ack, nack or the end of its ack deadline. */
final class Lease {
  final String ackId;
  final Delivery delivery;

  /** The stream the message was leased to, or null for a synchronous Pull. */
  final StreamingPullSession stream;

  long deadlineNanos;

  Lease(String ackId, Delivery delivery, StreamingPullSession stream, long deadlineNanos) {
    this.ackId = ackId;
    this.delivery = delivery;
    this.stream = stream;
    this.deadlineNanos = deadlineNanos;
  }
}

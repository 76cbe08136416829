package io.dcp.core.pipeline;

/**
 * A snapshot of what the pipeline has done since it started.
 *
 * @param received deliveries taken from the source, redeliveries included
 * @param redelivered of those, redeliveries of a message delivered before (delivery attempt above
 *     1)
 * @param rowsWritten rows committed by the row sink
 * @param deadLettered messages committed as dead letters
 * @param acked messages acked
 * @param nacked messages nacked for redelivery
 * @param duplicatesDropped redeliveries dropped by the dedup window
 * @param retries failed writes retried
 * @param inFlightMessages messages taken but not yet settled
 * @param inFlightBytes their payload bytes
 */
public record PipelineStats(
    long received,
    long redelivered,
    long rowsWritten,
    long deadLettered,
    long acked,
    long nacked,
    long duplicatesDropped,
    long retries,
    long inFlightMessages,
    long inFlightBytes) {

  /** Distinct messages: deliveries less redeliveries. */
  public long messages() {
    return received - redelivered;
  }
}

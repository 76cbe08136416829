package io.dcp.core.port;

import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Records what the pipeline does: Micrometer backs it in the standalone runner, Beam metrics in the
 * Beam runner. Every method is cheap, thread-safe and never throws.
 */
public interface PipelineMetrics {

  /** A message arrived from the source. */
  void messageReceived(int bytes);

  /** Rows were committed to {@code table}. */
  void rowsWritten(TableId table, int rows);

  /** Messages were committed as dead letters, rejected at {@code stage}. */
  void deadLettered(Stage stage, int count);

  /** A batch write completed (committed), with its size and how long the sink took. */
  void batchWritten(TableId table, int rows, long bytes, Duration writeLatency);

  /** A failed write will be retried after a backoff. */
  void writeRetried(TableId table);

  /** Messages were acked after their commit. */
  void acked(int count);

  /** Messages were nacked for redelivery. */
  void nacked(int count);

  /** A redelivered message was dropped by the dedup window. */
  void duplicateDropped();

  /** Time from the message's publish time to the commit of its row. */
  void endToEndLatency(Duration latency);

  /** Registers gauges for the messages and bytes currently in flight. */
  void registerInFlight(LongSupplier messages, LongSupplier bytes);

  /** The message transform returned a payload for the message, which is then mapped. */
  default void messageTransformed() {}

  /** The message transform dropped the message: it is acked with no row and no dead letter. */
  default void messageDropped() {}

  /** The message transform failed for the message: it becomes a {@code transform} dead letter. */
  default void transformFailed() {}

  /** A recorder that records nothing. */
  PipelineMetrics NOOP = new NoOpPipelineMetrics();
}

package io.dcp.core.port;

import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Records nothing: {@link PipelineMetrics#NOOP}, and the base of a recorder that keeps only some of
 * the events (a benchmark's latencies, a test's counts) and overrides just those.
 */
public class NoOpPipelineMetrics implements PipelineMetrics {
  @Override
  public void messageReceived(int bytes) {}

  @Override
  public void rowsWritten(TableId table, int rows) {}

  @Override
  public void deadLettered(Stage stage, int count) {}

  @Override
  public void batchWritten(TableId table, int rows, long bytes, Duration writeLatency) {}

  @Override
  public void writeRetried(TableId table) {}

  @Override
  public void acked(int count) {}

  @Override
  public void nacked(int count) {}

  @Override
  public void duplicateDropped() {}

  @Override
  public void endToEndLatency(Duration latency) {}

  @Override
  public void registerInFlight(LongSupplier messages, LongSupplier bytes) {}
}

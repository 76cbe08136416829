package io.dcp.beam;

import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.PipelineMetrics;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Distribution;
import org.apache.beam.sdk.metrics.Metrics;

/**
 * The metrics port backed by Beam {@link Metrics}, shown by Dataflow in the job's counters. Only
 * what happens inside a DoFn is recorded here: batching, acks and in-flight bounds belong to Beam's
 * IO connectors in this runner, which report their own.
 */
final class BeamPipelineMetrics implements PipelineMetrics {
  private static final String NAMESPACE = "dcp";
  private final Counter received = Metrics.counter(NAMESPACE, "messages_received");
  private final Distribution bytes = Metrics.distribution(NAMESPACE, "message_bytes");
  private final Counter rows = Metrics.counter(NAMESPACE, "rows_mapped");
  private final Counter duplicates = Metrics.counter(NAMESPACE, "duplicates_dropped");
  private final Distribution latency = Metrics.distribution(NAMESPACE, "end_to_end_latency_ms");
  private final Counter transformed = Metrics.counter(NAMESPACE, "messages_transformed");
  private final Counter dropped = Metrics.counter(NAMESPACE, "messages_dropped");
  private final Counter transformFailures = Metrics.counter(NAMESPACE, "transform_failures");

  @Override
  public void messageReceived(int size) {
    received.inc();
    bytes.update(size);
  }

  @Override
  public void rowsWritten(TableId table, int count) {
    rows.inc(count);
  }

  @Override
  public void deadLettered(Stage stage, int count) {
    Metrics.counter(NAMESPACE, "dead_letters_" + stage.label()).inc(count);
  }

  @Override
  public void batchWritten(TableId table, int count, long size, Duration writeLatency) {}

  @Override
  public void writeRetried(TableId table) {}

  @Override
  public void acked(int count) {}

  @Override
  public void nacked(int count) {}

  @Override
  public void duplicateDropped() {
    duplicates.inc();
  }

  @Override
  public void endToEndLatency(Duration value) {
    latency.update(value.toMillis());
  }

  @Override
  public void messageTransformed() {
    transformed.inc();
  }

  @Override
  public void messageDropped() {
    dropped.inc();
  }

  @Override
  public void transformFailed() {
    transformFailures.inc();
  }

  @Override
  public void registerInFlight(LongSupplier messages, LongSupplier size) {}
}

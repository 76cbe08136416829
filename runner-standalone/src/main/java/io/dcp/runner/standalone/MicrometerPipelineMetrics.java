package io.dcp.runner.standalone;

import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.PipelineMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.LongSupplier;

/** Records the pipeline's metrics in a Micrometer registry (Prometheus by default). */
final class MicrometerPipelineMetrics implements PipelineMetrics {
  private final MeterRegistry registry;
  private final Counter received;
  private final DistributionSummary receivedBytes;
  private final Counter acked;
  private final Counter nacked;
  private final Counter duplicates;
  private final Timer endToEnd;

  MicrometerPipelineMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.received =
        Counter.builder("dcp.messages.received")
            .description("messages taken from the source")
            .register(registry);
    this.receivedBytes =
        DistributionSummary.builder("dcp.message.bytes").baseUnit("bytes").register(registry);
    this.acked =
        Counter.builder("dcp.messages.acked")
            .description("messages acked after their commit")
            .register(registry);
    this.nacked =
        Counter.builder("dcp.messages.nacked")
            .description("messages nacked for redelivery")
            .register(registry);
    this.duplicates = Counter.builder("dcp.duplicates.dropped").register(registry);
    this.endToEnd =
        Timer.builder("dcp.end.to.end.latency")
            .description("publish time to commit")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
  }

  @Override
  public void messageTransformed() {
    registry.counter("dcp.transform.messages", "outcome", "transformed").increment();
  }

  @Override
  public void messageDropped() {
    registry.counter("dcp.transform.messages", "outcome", "dropped").increment();
  }

  @Override
  public void transformFailed() {
    registry.counter("dcp.transform.messages", "outcome", "failed").increment();
  }

  @Override
  public void messageReceived(int bytes) {
    received.increment();
    receivedBytes.record(bytes);
  }

  @Override
  public void rowsWritten(TableId table, int rows) {
    registry.counter("dcp.rows.written", "table", table.toString()).increment(rows);
  }

  @Override
  public void deadLettered(Stage stage, int count) {
    registry.counter("dcp.dead.letters", "stage", stage.label()).increment(count);
  }

  @Override
  public void batchWritten(TableId table, int rows, long bytes, Duration writeLatency) {
    registry.timer("dcp.write.latency", "table", table.toString()).record(writeLatency);
  }

  @Override
  public void writeRetried(TableId table) {
    registry.counter("dcp.write.retries", "table", table.toString()).increment();
  }

  @Override
  public void acked(int count) {
    acked.increment(count);
  }

  @Override
  public void nacked(int count) {
    nacked.increment(count);
  }

  @Override
  public void duplicateDropped() {
    duplicates.increment();
  }

  @Override
  public void endToEndLatency(Duration latency) {
    endToEnd.record(latency.isNegative() ? Duration.ZERO : latency);
  }

  @Override
  public void registerInFlight(LongSupplier messages, LongSupplier bytes) {
    Gauge.builder("dcp.in.flight.messages", messages::getAsLong).register(registry);
    Gauge.builder("dcp.in.flight.bytes", bytes::getAsLong).baseUnit("bytes").register(registry);
  }
}

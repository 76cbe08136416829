package io.dcp.core.testing;

import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.PipelineMetrics;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A metrics recorder that counts every call by name, for tests. */
public final class RecordingPipelineMetrics implements PipelineMetrics {
  private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
  private volatile LongSupplier inFlightMessages = () -> 0;

  public long count(String name) {
    AtomicLong n = counts.get(name);
    return n == null ? 0 : n.get();
  }

  public long inFlightMessages() {
    return inFlightMessages.getAsLong();
  }

  private void add(String name, long n) {
    counts.computeIfAbsent(name, k -> new AtomicLong()).addAndGet(n);
  }

  @Override
  public void messageReceived(int bytes) {
    add("received", 1);
  }

  @Override
  public void rowsWritten(TableId table, int rows) {
    add("rowsWritten", rows);
  }

  @Override
  public void deadLettered(Stage stage, int count) {
    add("deadLettered." + stage.label(), count);
  }

  @Override
  public void batchWritten(TableId table, int rows, long bytes, Duration writeLatency) {
    add("batches", 1);
  }

  @Override
  public void writeRetried(TableId table) {
    add("retries", 1);
  }

  @Override
  public void acked(int count) {
    add("acked", count);
  }

  @Override
  public void nacked(int count) {
    add("nacked", count);
  }

  @Override
  public void duplicateDropped() {
    add("duplicates", 1);
  }

  @Override
  public void endToEndLatency(Duration latency) {
    add("latencies", 1);
  }

  @Override
  public void registerInFlight(LongSupplier messages, LongSupplier bytes) {
    this.inFlightMessages = messages;
  }
}

package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import java.time.Duration;
import org.apache.beam.sdk.transforms.DoFn;
import org.joda.time.Instant;

/**
 * Records {@code end_to_end_latency_ms} for each row BigQueryIO reports written: from the row's
 * element timestamp, the publish time PubsubIO stamped on its message, to now.
 */
final class RecordCommitLatencyFn extends DoFn<TableRow, Void> {
  private transient BeamPipelineMetrics metrics;

  @Setup
  public void setup() {
    metrics = new BeamPipelineMetrics();
  }

  @ProcessElement
  public void process(@Timestamp Instant published) {
    long millis = Instant.now().getMillis() - published.getMillis();
    metrics.endToEndLatency(Duration.ofMillis(Math.max(0, millis)));
  }
}

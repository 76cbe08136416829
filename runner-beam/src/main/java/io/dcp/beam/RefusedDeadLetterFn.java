package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryStorageApiInsertError;
import org.apache.beam.sdk.transforms.DoFn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Passes on a dead letter the table refused in one shape, for the next shape, and says why. */
final class RefusedDeadLetterFn extends DoFn<BigQueryStorageApiInsertError, TableRow> {
  private static final Logger LOG = LoggerFactory.getLogger(RefusedDeadLetterFn.class);
  private final DeadLetterRows.Shape shape;

  RefusedDeadLetterFn(DeadLetterRows.Shape shape) {
    this.shape = shape;
  }

  @ProcessElement
  public void process(@Element BigQueryStorageApiInsertError error, OutputReceiver<TableRow> out) {
    LOG.warn(
        "the dead-letter table refused the dead letter of message {} {}: {}",
        error.getRow().get("message_id"),
        shape.description(),
        error.getErrorMessage());
    out.output(error.getRow());
  }
}

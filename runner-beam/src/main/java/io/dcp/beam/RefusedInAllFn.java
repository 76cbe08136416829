package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Fails the bundle of a dead letter the table refused in every shape: only a dead-letter table
 * whose columns do not match the layout does that, and failing keeps the message for a retry
 * (Dataflow retries a failed bundle) where going on would acknowledge it and lose it.
 */
final class RefusedInAllFn extends DoFn<TableRow, Void> {
  @ProcessElement
  public void process(@Element TableRow deadLetter) {
    throw new IllegalStateException(
        "the dead-letter table refused the dead letter of message "
            + deadLetter.get("message_id")
            + " in every shape (whole, without payloadString, payload cut): check that its"
            + " columns match the dead-letter layout");
  }
}

package io.dcp.adapters.bigquery;

import io.dcp.core.port.SinkException;

/**
 * Checks, before each call to BigQuery, that the warehouse a table admin or dead-letter store came
 * from is still open, so that use after {@link BigQueryWarehouse#close} fails with a message saying
 * so instead of quietly opening new connections.
 */
@FunctionalInterface
interface OpenCheck {
  /** A check that always passes: for pieces made without a warehouse. */
  OpenCheck ALWAYS_OPEN = () -> {};

  /**
   * Returns when the warehouse is open.
   *
   * @throws SinkException a permanent failure when it was closed
   */
  void ensureOpen() throws SinkException;
}

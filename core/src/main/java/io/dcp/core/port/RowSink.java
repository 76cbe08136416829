package io.dcp.core.port;

/**
 * Stores rows in a table: BigQuery through the Storage Write API, or a local DuckDB file.
 *
 * <p>{@link #write} is called concurrently from the pipeline's workers: implementations are
 * thread-safe. When it returns, the rows it does not report as errors are committed (durable and
 * visible); the pipeline acks their messages on that promise alone. The sink creates or prepares
 * tables it has not seen as its config allows. {@link #close} is called once, after the last write.
 */
public interface RowSink extends AutoCloseable {

  /**
   * Writes and commits a batch.
   *
   * @return the rows the sink rejected as invalid; the others are committed
   * @throws SinkException when nothing of the batch can be taken as committed, classified as
   *     transient (retry) or permanent
   */
  WriteResult write(WriteBatch batch) throws SinkException;

  /** Flushes and releases connections and writers. */
  @Override
  void close();
}

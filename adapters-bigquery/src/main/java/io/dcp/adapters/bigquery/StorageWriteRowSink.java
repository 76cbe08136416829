package io.dcp.adapters.bigquery;

import static java.util.Objects.requireNonNull;

import com.google.api.core.ApiFuture;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.Exceptions;
import com.google.cloud.bigquery.storage.v1.ProtoRows;
import com.google.cloud.bigquery.storage.v1.StreamWriter;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.TableSchema;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes rows to BigQuery through the Storage Write API's {@code _default} stream (at-least-once,
 * committed on append), with protobuf rows encoded straight from core rows.
 *
 * <p>A batch is split into appends that each stay under {@link
 * StorageWriteSettings#maxRequestBytes} and sent pipelined on the table's writer. Rows BigQuery
 * rejects (row errors in the append response) are returned as {@link RowError}s with BigQuery's
 * message, and the other rows of the same append are appended again, since BigQuery commits nothing
 * of a request with row errors. Whole-request failures become {@link SinkException}s, transient or
 * permanent by gRPC code.
 *
 * <p>Retry ownership: the client's in-stream retries are off (no retry settings) and its own
 * reconnects are bounded by {@link StorageWriteSettings#reconnectWindow}, so the pipeline's retry
 * policy decides. A retried batch may duplicate rows an earlier attempt already committed, which
 * the {@code _default} stream's at-least-once contract allows.
 *
 * <p>One writer per table, reused across batches and threads; replaced when it breaks, when
 * BigQuery reports an {@code updated_schema}, or when a batch carries columns it lacks.
 */
public final class StorageWriteRowSink implements RowSink {
  private static final Logger LOG = LoggerFactory.getLogger(StorageWriteRowSink.class);

  private final StorageWriteSettings settings;
  private final Map<TableId, TableWriter> writers = new ConcurrentHashMap<>();

  /**
   * Creates a sink for existing tables (core's table set-up creates them; a write to a missing one
   * is a permanent NOT_FOUND failure); writers are opened on the first write to each table.
   */
  public StorageWriteRowSink(StorageWriteSettings settings) {
    this.settings = requireNonNull(settings, "settings");
  }

  @Override
  public WriteResult write(WriteBatch batch) throws SinkException {
    if (batch.rows().isEmpty()) {
      return WriteResult.allWritten();
    }
    TableId table = qualified(batch.table());
    TableWriter writer = writerFor(table, batch.schema());
    List<RowError> errors = new ArrayList<>();
    List<EncodedRow> encoded = new ArrayList<>(batch.rows().size());
    long budget = settings.maxRequestBytes() - writer.requestOverhead();
    for (int i = 0; i < batch.rows().size(); i++) {
      Row row = batch.rows().get(i);
      try {
        ByteString bytes = writer.encoder.encode(row);
        int size = CodedOutputStream.computeBytesSize(1, bytes);
        if (size > budget) {
          errors.add(
              new RowError(
                  i,
                  "row is "
                      + bytes.size()
                      + " bytes encoded, over the "
                      + budget
                      + " bytes an AppendRows request can carry"));
        } else {
          encoded.add(new EncodedRow(i, bytes, size));
        }
      } catch (IllegalArgumentException e) {
        errors.add(new RowError(i, e.getMessage()));
      }
    }
    List<List<EncodedRow>> pending = split(encoded, budget);
    while (!pending.isEmpty()) {
      pending = appendAll(table, writer, pending, errors);
    }
    if (errors.isEmpty()) {
      return WriteResult.allWritten();
    }
    errors.sort(Comparator.comparingInt(RowError::index));
    return new WriteResult(errors);
  }

  /** Sends every chunk, waits for all, and returns the chunks to append again (row errors). */
  private List<List<EncodedRow>> appendAll(
      TableId table, TableWriter writer, List<List<EncodedRow>> chunks, List<RowError> errors)
      throws SinkException {
    List<ApiFuture<AppendRowsResponse>> futures = new ArrayList<>(chunks.size());
    for (List<EncodedRow> chunk : chunks) {
      var rows = ProtoRows.newBuilder();
      chunk.forEach(r -> rows.addSerializedRows(r.bytes()));
      try {
        futures.add(writer.streamWriter.append(rows.build()));
      } catch (RuntimeException e) {
        discard(table, writer);
        throw StorageWriteErrors.classify(table, e);
      }
    }
    List<List<EncodedRow>> again = new ArrayList<>();
    SinkException failure = null;
    for (int c = 0; c < chunks.size(); c++) {
      List<EncodedRow> chunk = chunks.get(c);
      try {
        AppendRowsResponse response =
            futures.get(c).get(settings.appendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (response.hasUpdatedSchema()) {
          refresh(table, writer, StorageSchemas.fromProto(response.getUpdatedSchema()));
        }
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exceptions.AppendSerializationError rowFailure
            && !rowFailure.getRowIndexToErrorMessage().isEmpty()) {
          Map<Integer, String> rejected = rowFailure.getRowIndexToErrorMessage();
          List<EncodedRow> kept = new ArrayList<>();
          for (int i = 0; i < chunk.size(); i++) {
            String message = rejected.get(i);
            if (message == null) {
              kept.add(chunk.get(i));
            } else {
              errors.add(new RowError(chunk.get(i).index(), message));
            }
          }
          if (kept.size() == chunk.size()) {
            // No index matched this request: re-appending would loop forever.
            if (failure == null) {
              failure = StorageWriteErrors.classify(table, cause);
            }
          } else if (!kept.isEmpty()) {
            again.add(kept);
          }
        } else if (failure == null) {
          discard(table, writer);
          failure = StorageWriteErrors.classify(table, cause);
        }
      } catch (TimeoutException e) {
        discard(table, writer);
        if (failure == null) {
          failure =
              SinkException.transientFailure(
                  "append to table "
                      + table
                      + " got no response within "
                      + settings.appendTimeout(),
                  e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw SinkException.transientFailure("interrupted while appending to " + table, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return again;
  }

  private static List<List<EncodedRow>> split(List<EncodedRow> rows, long budget) {
    List<List<EncodedRow>> chunks = new ArrayList<>();
    List<EncodedRow> current = new ArrayList<>();
    long size = 0;
    for (EncodedRow row : rows) {
      if (!current.isEmpty() && size + row.size() > budget) {
        chunks.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(row);
      size += row.size();
    }
    if (!current.isEmpty()) {
      chunks.add(current);
    }
    return chunks;
  }

  private TableId qualified(TableId table) throws SinkException {
    if (table.isLocal()) {
      throw SinkException.permanentFailure(
          "BigQuery table '" + table + "' needs a dataset: dataset.table or project.dataset.table",
          null);
    }
    return table.project().isEmpty()
        ? new TableId(settings.project(), table.dataset(), table.table())
        : table;
  }

  private TableWriter writerFor(TableId table, TableSchema schema) throws SinkException {
    TableWriter current = writers.get(table);
    if (current != null
        && !current.streamWriter.isClosed()
        && StorageSchemas.covers(current.encoder.schema().fields(), schema.fields())) {
      return current;
    }
    synchronized (writers) {
      current = writers.get(table);
      if (current != null
          && !current.streamWriter.isClosed()
          && StorageSchemas.covers(current.encoder.schema().fields(), schema.fields())) {
        return current;
      }
      TableWriter created = open(table, schema);
      writers.put(table, created);
      if (current != null) {
        current.close();
      }
      return created;
    }
  }

  private void refresh(TableId table, TableWriter writer, TableSchema updated) {
    if (!StorageSchemas.covers(updated.fields(), writer.encoder.schema().fields())) {
      return;
    }
    synchronized (writers) {
      if (writers.get(table) != writer) {
        return;
      }
      try {
        writers.put(table, open(table, updated));
        LOG.info(
            "table {} schema changed; writer refreshed with {} top-level columns",
            table,
            updated.fields().size());
        writer.close();
      } catch (SinkException e) {
        LOG.warn("could not refresh the writer of {} after a schema change", table, e);
      }
    }
  }

  private void discard(TableId table, TableWriter writer) {
    if (writers.remove(table, writer)) {
      // Closing waits for in-flight appends; a hung connection must not hold the caller.
      CompletableFuture.runAsync(writer::close);
    }
  }

  private TableWriter open(TableId table, TableSchema schema) throws SinkException {
    ProtoRowEncoder encoder;
    try {
      encoder = ProtoRowEncoder.forSchema(schema);
    } catch (IllegalArgumentException e) {
      throw SinkException.permanentFailure("table " + table + ": " + e.getMessage(), e);
    }
    String stream =
        "projects/"
            + table.project()
            + "/datasets/"
            + table.dataset()
            + "/tables/"
            + table.table()
            + "/streams/_default";
    try {
      var builder =
          StreamWriter.newBuilder(stream)
              .setWriterSchema(encoder.protoSchema())
              .setMaxRetryDuration(settings.reconnectWindow())
              .setEnableConnectionPool(false);
      if (settings.hasEndpointOverride()) {
        builder
            .setChannelProvider(
                InstantiatingGrpcChannelProvider.newBuilder()
                    .setEndpoint(settings.endpoint())
                    .setChannelConfigurator(ManagedChannelBuilder::usePlaintext)
                    .build())
            .setCredentialsProvider(NoCredentialsProvider.create());
      }
      StreamWriter streamWriter = builder.build();
      LOG.debug("opened Storage Write writer for {}", table);
      long overhead = stream.length() + encoder.protoSchema().getSerializedSize() + 64L;
      return new TableWriter(encoder, streamWriter, overhead);
    } catch (IOException e) {
      throw SinkException.permanentFailure(
          "cannot open a Storage Write stream for table "
              + table
              + ": "
              + e.getMessage()
              + " (set up Application Default Credentials: gcloud auth application-default login,"
              + " or GOOGLE_APPLICATION_CREDENTIALS)",
          e);
    } catch (RuntimeException e) {
      throw StorageWriteErrors.classify(table, e);
    }
  }

  @Override
  public void close() {
    synchronized (writers) {
      writers.values().forEach(TableWriter::close);
      writers.clear();
    }
  }

  private record EncodedRow(int index, ByteString bytes, int size) {}

  /**
   * A table's writer.
   *
   * @param requestOverhead bytes a request spends beside its rows: stream name, writer schema, tags
   */
  private record TableWriter(
      ProtoRowEncoder encoder, StreamWriter streamWriter, long requestOverhead) {

    void close() {
      try {
        streamWriter.close();
      } catch (RuntimeException e) {
        LOG.debug("closing writer of {} failed", streamWriter.getStreamName(), e);
      }
    }
  }
}

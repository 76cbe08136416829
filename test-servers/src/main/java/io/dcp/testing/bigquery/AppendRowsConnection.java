package io.dcp.testing.bigquery;

import com.google.cloud.bigquery.storage.v1.AppendRowsRequest;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.RowError;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.TableSchema;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * One AppendRows bidirectional stream of the fake Storage Write service: the writer schema and
 * stream persist across requests. It decodes each request's rows with the writer schema, checks
 * them as BigQuery does and commits them to the table, unless a fault says otherwise.
 */
final class AppendRowsConnection implements StreamObserver<AppendRowsRequest> {
  private final StreamObserver<AppendRowsResponse> out;
  private final Function<String, Optional<FakeWriteTable>> tableOfStream;
  private final List<Integer> requestSizes;
  private final WriteFaults faults;
  private final Set<AppendRowsConnection> open;
  private String streamName = "";
  private DescriptorProto writerSchema;
  private ProtoRowDecoder decoder;
  private int decoderVersion = -1;
  private int seenVersion = -1;
  private boolean done;
  private boolean stalled;

  /**
   * A connection answering on {@code out}, finding tables by stream name with {@code
   * tableOfStream}, recording request sizes in {@code requestSizes}, and in {@code open} until it
   * ends.
   */
  AppendRowsConnection(
      StreamObserver<AppendRowsResponse> out,
      Function<String, Optional<FakeWriteTable>> tableOfStream,
      List<Integer> requestSizes,
      WriteFaults faults,
      Set<AppendRowsConnection> open) {
    this.out = out;
    this.tableOfStream = tableOfStream;
    this.requestSizes = requestSizes;
    this.faults = faults;
    this.open = open;
    open.add(this);
  }

  @Override
  public synchronized void onNext(AppendRowsRequest request) {
    if (done || stalled) {
      return;
    }
    int size = request.getSerializedSize();
    requestSizes.add(size);
    if (faults.stallsThisAppend()) {
      stalled = true;
      return;
    }
    if (size > FakeBigQueryWriteServer.MAX_REQUEST_BYTES) {
      fail(
          Status.INVALID_ARGUMENT.withDescription(
              "AppendRows request too large: "
                  + size
                  + " limit "
                  + FakeBigQueryWriteServer.MAX_REQUEST_BYTES));
      return;
    }
    if (!request.getWriteStream().isEmpty()) {
      streamName = request.getWriteStream();
    }
    Optional<FakeWriteTable> found = tableOfStream.apply(streamName);
    if (found.isEmpty()) {
      fail(
          Status.NOT_FOUND.withDescription(
              "Requested entity was not found. Entity: " + streamName));
      return;
    }
    FakeWriteTable table = found.get().settle();
    if (seenVersion < 0) {
      seenVersion = table.version;
    }
    if (request.getProtoRows().hasWriterSchema()) {
      writerSchema = request.getProtoRows().getWriterSchema().getProtoDescriptor();
      decoder = null;
    }
    var response = AppendRowsResponse.newBuilder().setWriteStream(streamName);
    if (table.version != seenVersion) {
      seenVersion = table.version;
      response.setUpdatedSchema(SchemaProtos.toProto(table.schema));
    }
    faults.delayAppend();
    if (faults.failsThisAppend()) {
      out.onNext(response.setError(status(Status.Code.UNAVAILABLE, "Service unavailable")).build());
      return;
    }
    if (writerSchema == null) {
      out.onNext(
          response
              .setError(
                  status(
                      Status.Code.INVALID_ARGUMENT,
                      "The first request of a connection must carry the writer schema"))
              .build());
      return;
    }
    List<Row> decoded = new ArrayList<>();
    try {
      if (decoder == null || decoderVersion != table.version) {
        decoder = ProtoRowDecoder.of(writerSchema, table.schema);
        decoderVersion = table.version;
      }
      for (ByteString serialized : request.getProtoRows().getRows().getSerializedRowsList()) {
        decoded.add(decoder.decode(serialized));
      }
    } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
      out.onNext(
          response
              .setError(
                  status(Status.Code.INVALID_ARGUMENT, e.getMessage() + " Entity: " + streamName))
              .build());
      return;
    }
    List<RowError> rowErrors = rowErrors(table.schema, decoded);
    if (!rowErrors.isEmpty()) {
      out.onNext(
          response
              .setError(
                  status(
                      Status.Code.INVALID_ARGUMENT,
                      "Errors found while processing rows. Please refer to the row_errors field"
                          + " for details. Entity: "
                          + streamName))
              .addAllRowErrors(rowErrors)
              .build());
      return;
    }
    table.rows.addAll(decoded);
    out.onNext(
        response.setAppendResult(AppendRowsResponse.AppendResult.getDefaultInstance()).build());
  }

  private List<RowError> rowErrors(TableSchema schema, List<Row> decoded) {
    List<RowError> rowErrors = new ArrayList<>();
    for (int i = 0; i < decoded.size(); i++) {
      Optional<String> missing = missingRequired(schema, decoded.get(i));
      if (missing.isPresent() || faults.rejects(decoded.get(i))) {
        rowErrors.add(
            RowError.newBuilder()
                .setIndex(i)
                .setCode(RowError.RowErrorCode.FIELDS_ERROR)
                .setMessage(
                    missing
                        .map(name -> "Missing required field: " + name + ".")
                        .orElse(faults.rejectMessage()))
                .build());
      }
    }
    return rowErrors;
  }

  /**
   * The first top-level REQUIRED column {@code row} has no value for: the writer's descriptor
   * declares every column optional, so BigQuery checks the mode and reports a row error.
   */
  private static Optional<String> missingRequired(TableSchema schema, Row row) {
    return schema.fields().stream()
        .filter(f -> f.mode() == FieldMode.REQUIRED && row.get(f.name()) == null)
        .map(Field::name)
        .findFirst();
  }

  private void fail(Status status) {
    end();
    out.onError(status.asRuntimeException());
  }

  @Override
  public synchronized void onError(Throwable t) {
    end();
  }

  @Override
  public synchronized void onCompleted() {
    if (!done) {
      end();
      out.onCompleted();
    }
  }

  private void end() {
    done = true;
    open.remove(this);
  }

  private static com.google.rpc.Status status(Status.Code code, String message) {
    return com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message).build();
  }
}

package io.dcp.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.bigquery.storage.v1.AppendRowsRequest;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteGrpc;
import com.google.cloud.bigquery.storage.v1.GetWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.ProtoRows;
import com.google.cloud.bigquery.storage.v1.ProtoSchema;
import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FieldDescriptorProto;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FakeBigQueryWriteServerTest {
  private static final TableId TABLE = new TableId("test-project", "ds", "t");
  private static final String STREAM =
      "projects/test-project/datasets/ds/tables/t/streams/_default";

  private FakeBigQueryWriteServer server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    server = FakeBigQueryWriteServer.start();
    server.createTable(TABLE, TableSchema.of(Field.of("name", FieldType.STRING)));
    channel = InProcessChannelBuilder.forName(server.inProcessName()).build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.close();
  }

  @Test
  void getWriteStreamReturnsTheDefaultStreamWithTheTableSchema() {
    var stream =
        BigQueryWriteGrpc.newBlockingStub(channel)
            .getWriteStream(GetWriteStreamRequest.newBuilder().setName(STREAM).build());

    assertThat(stream.getName()).isEqualTo(STREAM);
    assertThat(stream.getTableSchema().getFields(0).getName()).isEqualTo("name");
    assertThat(stream.getTableSchema().getFields(0).getType())
        .isEqualTo(TableFieldSchema.Type.STRING);
  }

  @Test
  void getWriteStreamOfAMissingTableIsNotFound() {
    assertThatThrownBy(
            () ->
                BigQueryWriteGrpc.newBlockingStub(channel)
                    .getWriteStream(
                        GetWriteStreamRequest.newBuilder()
                            .setName(
                                "projects/test-project/datasets/ds/tables/nope/streams/_default")
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @Test
  void decodesRowsOfLaterRequestsWithTheFirstRequestsWriterSchema() throws Exception {
    var responses = append(2, request(true, "a"), request(false, "b"));

    assertThat(responses.get(5, TimeUnit.SECONDS))
        .allSatisfy(r -> assertThat(r.hasAppendResult()).isTrue());
    assertThat(server.rows(TABLE))
        .containsExactly(
            Row.builder().set("name", "a").build(), Row.builder().set("name", "b").build());
  }

  @Test
  void connectionWhoseFirstRequestHasNoWriterSchemaGetsInvalidArgument() throws Exception {
    var responses = append(1, request(false, "a"));

    assertThat(responses.get(5, TimeUnit.SECONDS).get(0).getError().getCode())
        .isEqualTo(Status.Code.INVALID_ARGUMENT.value());
    assertThat(server.rows(TABLE)).isEmpty();
  }

  @Test
  void requestOverTenMegabytesFailsWithInvalidArgument() {
    var future = append(1, request(true, "x".repeat(FakeBigQueryWriteServer.MAX_REQUEST_BYTES)));

    assertThat(future)
        .failsWithin(5, TimeUnit.SECONDS)
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .satisfies(
            e ->
                assertThat(Status.fromThrowable(e.getCause()).getCode())
                    .isEqualTo(Status.Code.INVALID_ARGUMENT));
    assertThat(server.rows(TABLE)).isEmpty();
  }

  private CompletableFuture<List<AppendRowsResponse>> append(
      int expected, AppendRowsRequest... requests) {
    var result = new CompletableFuture<List<AppendRowsResponse>>();
    var received = new CopyOnWriteArrayList<AppendRowsResponse>();
    StreamObserver<AppendRowsRequest> requestStream =
        BigQueryWriteGrpc.newStub(channel)
            .appendRows(
                new StreamObserver<>() {
                  @Override
                  public void onNext(AppendRowsResponse value) {
                    received.add(value);
                    if (received.size() == expected) {
                      result.complete(List.copyOf(received));
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    result.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {}
                });
    for (AppendRowsRequest r : requests) {
      requestStream.onNext(r);
    }
    return result.whenComplete((r, e) -> requestStream.onCompleted());
  }

  private static AppendRowsRequest request(boolean withSchema, String name) {
    // Field 1, length-delimited: the "name" column.
    ByteString row =
        ByteString.copyFrom(new byte[] {0x0A})
            .concat(varint(name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length))
            .concat(ByteString.copyFromUtf8(name));
    var data =
        AppendRowsRequest.ProtoData.newBuilder()
            .setRows(ProtoRows.newBuilder().addSerializedRows(row));
    if (withSchema) {
      data.setWriterSchema(
          ProtoSchema.newBuilder()
              .setProtoDescriptor(
                  DescriptorProto.newBuilder()
                      .setName("R")
                      .addField(
                          FieldDescriptorProto.newBuilder()
                              .setName("name")
                              .setNumber(1)
                              .setType(FieldDescriptorProto.Type.TYPE_STRING))));
    }
    return AppendRowsRequest.newBuilder().setWriteStream(STREAM).setProtoRows(data).build();
  }

  private static ByteString varint(int value) {
    var out = ByteString.newOutput();
    while ((value & ~0x7F) != 0) {
      out.write((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    out.write(value);
    return out.toByteString();
  }
}

package io.dcp.testing.bigquery;

import com.google.cloud.bigquery.storage.v1.AppendRowsRequest;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteGrpc;
import com.google.cloud.bigquery.storage.v1.GetWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.RowError;
import com.google.cloud.bigquery.storage.v1.WriteStream;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.TableSchema;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fake of BigQuery's Storage Write gRPC service ({@code BigQueryWrite}) built on Google's
 * published stubs, serving the {@code _default} stream of registered tables in-process and on a
 * loopback port.
 *
 * <p>It decodes each appended {@code ProtoRows} with the connection's writer schema into core
 * {@link Row}s (same type rules as the real service) and keeps them per table, so tests compare
 * rows. A row missing a top-level REQUIRED value is a row error, as in BigQuery. Tests can make it
 * reject rows (row errors, as BigQuery reports them), fail the next appends with UNAVAILABLE,
 * change a table's schema (reported as {@code updated_schema}) and read the size of every request.
 * Requests over 10 MB fail with INVALID_ARGUMENT like the real service.
 */
public final class FakeBigQueryWriteServer implements AutoCloseable {
  /** The AppendRows request size limit of the real service. */
  public static final int MAX_REQUEST_BYTES = 10 * 1000 * 1000;

  private static final Pattern STREAM =
      Pattern.compile("projects/([^/]+)/datasets/([^/]+)/tables/([^/]+)(/streams/.+)?");

  private final Map<TableId, Table> tables = new ConcurrentHashMap<>();
  private final List<Integer> requestSizes = new CopyOnWriteArrayList<>();
  private final AtomicInteger failNext = new AtomicInteger();
  private final AtomicInteger stallNext = new AtomicInteger();
  private volatile long unavailableUntil = System.nanoTime();
  private volatile Duration schemaDelay = Duration.ZERO;
  private volatile Duration appendDelay = Duration.ZERO;
  private volatile Predicate<Row> reject = row -> false;
  private volatile String rejectMessage = "";
  private final Server inProcess;
  private final Server loopback;
  private final String inProcessName;

  private FakeBigQueryWriteServer() throws IOException {
    var service = new Service();
    inProcessName = "fake-bigquery-write-" + UUID.randomUUID();
    inProcess =
        InProcessServerBuilder.forName(inProcessName)
            .addService(service)
            .maxInboundMessageSize(4 * MAX_REQUEST_BYTES)
            .build()
            .start();
    loopback =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(service)
            .maxInboundMessageSize(4 * MAX_REQUEST_BYTES)
            .build()
            .start();
  }

  /** Starts the fake in-process and on an ephemeral loopback port. */
  public static FakeBigQueryWriteServer start() throws IOException {
    return new FakeBigQueryWriteServer();
  }

  /** Returns {@code 127.0.0.1:port}, for a plaintext channel. */
  public String endpoint() {
    return "127.0.0.1:" + loopback.getPort();
  }

  /** Returns the in-process server name. */
  public String inProcessName() {
    return inProcessName;
  }

  /** Registers (or replaces) a table with no rows. */
  public void createTable(TableId table, TableSchema schema) {
    tables.put(table, new Table(schema));
  }

  /** Registers (or replaces) a table with no rows, from the Storage Write API's schema message. */
  public void createTable(TableId table, com.google.cloud.bigquery.storage.v1.TableSchema schema) {
    createTable(table, SchemaProtos.fromProto(schema));
  }

  /**
   * Changes the schema of a registered table; every open connection to it gets the new schema as
   * {@code updated_schema} in its next response.
   */
  public void updateSchema(TableId table, TableSchema schema) {
    Table t = table(table).orElseThrow(() -> new IllegalArgumentException("no table " + table));
    synchronized (t) {
      t.pending = schema;
      t.pendingAt = System.nanoTime() + schemaDelay.toNanos();
      t.settle();
    }
  }

  /**
   * Makes schema changes reach the write path only {@code delay} after {@link #updateSchema}, as
   * BigQuery's do: meanwhile appends with the new columns fail with "Input schema has more fields
   * than BigQuery schema".
   */
  public void delaySchemaChanges(Duration delay) {
    schemaDelay = delay;
  }

  /** Returns the rows committed to {@code table}, in commit order. */
  public List<Row> rows(TableId table) {
    return table(table).map(t -> List.copyOf(t.rows)).orElse(List.of());
  }

  /**
   * Commits {@code rows} to a registered table as an append would, for tests that read rows back
   * without writing them through the Storage Write API first.
   */
  public void addRows(TableId table, List<Row> rows) {
    table(table)
        .orElseThrow(() -> new IllegalArgumentException("no table " + table))
        .rows
        .addAll(rows);
  }

  /** Returns the serialized size of every AppendRows request received, in order. */
  public List<Integer> requestSizes() {
    return List.copyOf(requestSizes);
  }

  /**
   * Makes every later append report the rows matching {@code predicate} as row errors with {@code
   * message}; the request then commits nothing, as in BigQuery.
   */
  public void rejectRows(Predicate<Row> predicate, String message) {
    this.rejectMessage = message;
    this.reject = predicate;
  }

  /**
   * Makes the next {@code count} appends get no response at all, as over a hung connection; the
   * connection then answers nothing more.
   */
  public void stallNextAppends(int count) {
    stallNext.set(count);
  }

  /** Makes the next {@code count} appends fail with UNAVAILABLE. */
  public void failNextAppends(int count) {
    failNext.set(count);
  }

  /** Makes every append fail with UNAVAILABLE for {@code outage}, as during a service outage. */
  public void failAppendsFor(Duration outage) {
    unavailableUntil = System.nanoTime() + outage.toNanos();
  }

  /** Makes every later append take {@code delay} before it is answered, as a slow service. */
  public void delayAppends(Duration delay) {
    appendDelay = delay;
  }

  @Override
  public void close() {
    inProcess.shutdownNow();
    loopback.shutdownNow();
    try {
      inProcess.awaitTermination(5, TimeUnit.SECONDS);
      loopback.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Optional<Table> table(TableId id) {
    return Optional.ofNullable(tables.get(id));
  }

  private static Optional<TableId> tableOf(String streamName) {
    Matcher m = STREAM.matcher(streamName);
    return m.matches()
        ? Optional.of(new TableId(m.group(1), m.group(2), m.group(3)))
        : Optional.empty();
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

  private static final class Table {
    volatile TableSchema schema;
    volatile int version;
    TableSchema pending;
    long pendingAt;
    final List<Row> rows = new CopyOnWriteArrayList<>();

    Table(TableSchema schema) {
      this.schema = schema;
    }

    /** Applies a schema change whose time has come. */
    synchronized Table settle() {
      if (pending != null && System.nanoTime() - pendingAt >= 0) {
        schema = pending;
        pending = null;
        version++;
      }
      return this;
    }
  }

  private final class Service extends BigQueryWriteGrpc.BigQueryWriteImplBase {
    @Override
    public void getWriteStream(
        GetWriteStreamRequest request, StreamObserver<WriteStream> responseObserver) {
      var table = tableOf(request.getName()).flatMap(FakeBigQueryWriteServer.this::table);
      if (table.isEmpty()) {
        responseObserver.onError(
            Status.NOT_FOUND
                .withDescription("Requested entity was not found. Entity: " + request.getName())
                .asRuntimeException());
        return;
      }
      responseObserver.onNext(
          WriteStream.newBuilder()
              .setName(request.getName())
              .setType(WriteStream.Type.COMMITTED)
              .setTableSchema(SchemaProtos.toProto(table.get().settle().schema))
              .setLocation("US")
              .build());
      responseObserver.onCompleted();
    }

    @Override
    public StreamObserver<AppendRowsRequest> appendRows(
        StreamObserver<AppendRowsResponse> responseObserver) {
      return new Connection(responseObserver);
    }
  }

  /** One AppendRows bidirectional stream: the writer schema and stream persist across requests. */
  private final class Connection implements StreamObserver<AppendRowsRequest> {
    private final StreamObserver<AppendRowsResponse> out;
    private String streamName = "";
    private DescriptorProto writerSchema;
    private ProtoRowDecoder decoder;
    private int decoderVersion = -1;
    private int seenVersion = -1;
    private boolean done;
    private boolean stalled;

    Connection(StreamObserver<AppendRowsResponse> out) {
      this.out = out;
    }

    @Override
    public synchronized void onNext(AppendRowsRequest request) {
      if (done || stalled) {
        return;
      }
      int size = request.getSerializedSize();
      requestSizes.add(size);
      if (stallNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        stalled = true;
        return;
      }
      if (size > MAX_REQUEST_BYTES) {
        fail(
            Status.INVALID_ARGUMENT.withDescription(
                "AppendRows request too large: " + size + " limit " + MAX_REQUEST_BYTES));
        return;
      }
      if (!request.getWriteStream().isEmpty()) {
        streamName = request.getWriteStream();
      }
      Optional<Table> found = tableOf(streamName).flatMap(FakeBigQueryWriteServer.this::table);
      if (found.isEmpty()) {
        fail(
            Status.NOT_FOUND.withDescription(
                "Requested entity was not found. Entity: " + streamName));
        return;
      }
      Table table = found.get().settle();
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
      if (!appendDelay.isZero()) {
        try {
          Thread.sleep(appendDelay.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (failNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0
          || System.nanoTime() - unavailableUntil < 0) {
        out.onNext(
            response.setError(status(Status.Code.UNAVAILABLE, "Service unavailable")).build());
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
      List<RowError> rowErrors = new ArrayList<>();
      for (int i = 0; i < decoded.size(); i++) {
        Optional<String> missing = missingRequired(table.schema, decoded.get(i));
        if (missing.isPresent() || reject.test(decoded.get(i))) {
          rowErrors.add(
              RowError.newBuilder()
                  .setIndex(i)
                  .setCode(RowError.RowErrorCode.FIELDS_ERROR)
                  .setMessage(
                      missing
                          .map(name -> "Missing required field: " + name + ".")
                          .orElse(rejectMessage))
                  .build());
        }
      }
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

    private void fail(Status status) {
      done = true;
      out.onError(status.asRuntimeException());
    }

    @Override
    public synchronized void onError(Throwable t) {
      done = true;
    }

    @Override
    public synchronized void onCompleted() {
      if (!done) {
        done = true;
        out.onCompleted();
      }
    }
  }

  private static com.google.rpc.Status status(Status.Code code, String message) {
    return com.google.rpc.Status.newBuilder().setCode(code.value()).setMessage(message).build();
  }
}

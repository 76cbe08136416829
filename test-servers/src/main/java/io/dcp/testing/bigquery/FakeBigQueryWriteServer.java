package io.dcp.testing.bigquery;

import com.google.cloud.bigquery.storage.v1.AppendRowsRequest;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteGrpc;
import com.google.cloud.bigquery.storage.v1.GetWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.WriteStream;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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

  private final Map<TableId, FakeWriteTable> tables = new ConcurrentHashMap<>();
  private final List<Integer> requestSizes = new CopyOnWriteArrayList<>();
  private final Set<AppendRowsConnection> openConnections = ConcurrentHashMap.newKeySet();
  private final WriteFaults faults = new WriteFaults();
  private volatile Duration schemaDelay = Duration.ZERO;
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
    tables.put(table, new FakeWriteTable(schema));
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
    table(table)
        .orElseThrow(() -> new IllegalArgumentException("no table " + table))
        .changeSchema(schema, schemaDelay.toNanos());
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
    faults.rejectRows(predicate, message);
  }

  /**
   * Makes the next {@code count} appends get no response at all, as over a hung connection; the
   * connection then answers nothing more.
   */
  public void stallNextAppends(int count) {
    faults.stallNextAppends(count);
  }

  /** Makes the next {@code count} appends fail with UNAVAILABLE. */
  public void failNextAppends(int count) {
    faults.failNextAppends(count);
  }

  /** Makes every append fail with UNAVAILABLE for {@code outage}, as during a service outage. */
  public void failAppendsFor(Duration outage) {
    faults.failAppendsFor(outage);
  }

  /** Makes every later append take {@code delay} before it is answered, as a slow service. */
  public void delayAppends(Duration delay) {
    faults.delayAppends(delay);
  }

  /**
   * Returns how many AppendRows streams are open: begun by a client and neither completed, failed
   * nor cancelled since.
   */
  public int openAppendStreams() {
    return openConnections.size();
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

  private Optional<FakeWriteTable> table(TableId id) {
    return Optional.ofNullable(tables.get(id));
  }

  private static Optional<TableId> tableOf(String streamName) {
    Matcher m = STREAM.matcher(streamName);
    return m.matches()
        ? Optional.of(new TableId(m.group(1), m.group(2), m.group(3)))
        : Optional.empty();
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
      return new AppendRowsConnection(
          responseObserver,
          stream -> tableOf(stream).flatMap(FakeBigQueryWriteServer.this::table),
          requestSizes,
          faults,
          openConnections);
    }
  }
}

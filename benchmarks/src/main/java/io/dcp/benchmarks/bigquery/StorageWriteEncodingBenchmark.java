package io.dcp.benchmarks.bigquery;

import com.google.cloud.bigquery.storage.v1.BQTableSchemaToProtoDescriptor;
import com.google.cloud.bigquery.storage.v1.JsonToProtoMessage;
import com.google.cloud.bigquery.storage.v1.ProtoRows;
import com.google.cloud.bigquery.storage.v1.TableFieldSchema;
import com.google.protobuf.Descriptors.Descriptor;
import io.dcp.adapters.bigquery.ProtoRowEncoder;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.json.JSONArray;
import org.json.JSONObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Encodes the same 1,000 rows into one serialized {@code ProtoRows} two ways: the sink's direct
 * protobuf encoder, and the client library's JSON path ({@code JSONObject} → {@code
 * JsonToProtoMessage} → {@code DynamicMessage} bytes, as {@code JsonStreamWriter} does), without
 * network. {@code jsonPath} includes building the JSON objects from rows, as a JSON-based sink
 * must; {@code jsonPathPrebuilt} starts from ready JSON objects.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class StorageWriteEncodingBenchmark {
  static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("message_id", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("event_time", FieldType.TIMESTAMP),
          Field.of("trade_date", FieldType.DATE),
          Field.of("symbol", FieldType.STRING),
          Field.of("qty", FieldType.INT64),
          Field.of("price", FieldType.NUMERIC),
          Field.of("bid", FieldType.FLOAT64),
          Field.of("firm", FieldType.BOOL),
          Field.of("tags", FieldType.STRING, FieldMode.REPEATED),
          Field.struct(
              "venue",
              FieldMode.NULLABLE,
              List.of(Field.of("code", FieldType.STRING), Field.of("lat", FieldType.FLOAT64))));

  private List<Row> rows;
  private List<JSONObject> json;
  private ProtoRowEncoder encoder;
  private Descriptor descriptor;
  private com.google.cloud.bigquery.storage.v1.TableSchema protoSchema;

  @Setup
  public void setUp() throws Exception {
    rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(
          Row.builder()
              .set("message_id", "msg-" + (1_000_000 + i))
              .set("event_time", Instant.parse("2024-05-01T10:00:00Z").plusNanos(i * 1_001_000L))
              .set("trade_date", LocalDate.of(2024, 5, 1))
              .set("symbol", i % 2 == 0 ? "GOOG" : "AAPL")
              .set("qty", (long) i * 10)
              .set("price", new BigDecimal("187.1234").add(BigDecimal.valueOf(i, 4)))
              .set("bid", 187.12 + i)
              .set("firm", i % 3 == 0)
              .set("tags", List.of("equity", "us"))
              .set("venue", Row.builder().set("code", "XNAS").set("lat", 40.7).build())
              .build());
    }
    encoder = ProtoRowEncoder.forSchema(SCHEMA);
    protoSchema = protoSchema(SCHEMA);
    descriptor = BQTableSchemaToProtoDescriptor.convertBQTableSchemaToProtoDescriptor(protoSchema);
    json = rows.stream().map(StorageWriteEncodingBenchmark::toJson).toList();
  }

  @Benchmark
  public byte[] protoEncoder() {
    var out = ProtoRows.newBuilder();
    for (Row row : rows) {
      out.addSerializedRows(encoder.encode(row));
    }
    return out.build().toByteArray();
  }

  @Benchmark
  public byte[] jsonPath() {
    var out = ProtoRows.newBuilder();
    for (Row row : rows) {
      out.addSerializedRows(
          JsonToProtoMessage.convertJsonToProtoMessage(descriptor, protoSchema, toJson(row), false)
              .toByteString());
    }
    return out.build().toByteArray();
  }

  @Benchmark
  public byte[] jsonPathPrebuilt() {
    var out = ProtoRows.newBuilder();
    for (JSONObject object : json) {
      out.addSerializedRows(
          JsonToProtoMessage.convertJsonToProtoMessage(descriptor, protoSchema, object, false)
              .toByteString());
    }
    return out.build().toByteArray();
  }

  /** The JSON a JsonStreamWriter-based sink would build: strings for time and decimal values. */
  static JSONObject toJson(Row row) {
    var object = new JSONObject();
    for (Map.Entry<String, Object> e : row.values().entrySet()) {
      object.put(e.getKey(), jsonValue(e.getValue()));
    }
    return object;
  }

  private static Object jsonValue(Object value) {
    if (value instanceof Row nested) {
      return toJson(nested);
    }
    if (value instanceof List<?> list) {
      var array = new JSONArray();
      list.forEach(v -> array.put(jsonValue(v)));
      return array;
    }
    if (value instanceof Instant || value instanceof LocalDate || value instanceof BigDecimal) {
      return value.toString();
    }
    return value;
  }

  static com.google.cloud.bigquery.storage.v1.TableSchema protoSchema(TableSchema schema) {
    var builder = com.google.cloud.bigquery.storage.v1.TableSchema.newBuilder();
    schema.fields().forEach(f -> builder.addFields(protoField(f)));
    return builder.build();
  }

  private static TableFieldSchema protoField(Field field) {
    var builder =
        TableFieldSchema.newBuilder()
            .setName(field.name())
            .setMode(TableFieldSchema.Mode.valueOf(field.mode().name()))
            .setType(
                switch (field.type()) {
                  case FLOAT64 -> TableFieldSchema.Type.DOUBLE;
                  default -> TableFieldSchema.Type.valueOf(field.type().standardName());
                });
    field.fields().forEach(f -> builder.addFields(protoField(f)));
    return builder.build();
  }
}

package io.dcp.benchmarks.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.model.Message;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.testing.QuoteEvents;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Typed mapping of one message against its baseline, a bare Jackson parse of the same bytes to a
 * tree, on one thread. {@code flat} is a ~300-byte quote event, {@code nested} a ~2 KB event with
 * records, arrays and timestamps.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MappingBenchmark {
  static final TableSchema FLAT_SCHEMA = QuoteEvents.schema();

  static final String FLAT =
      """
      {"symbol":"AAPL","exchange":"XNAS","bid":189.42,"ask":189.47,"bid_size":300,\
      "ask_size":1200,"last":"189.45","ts":"2026-11-24T14:30:00.123456Z",\
      "trade_date":"2026-11-24","halted":false,"tags":["nms","regular","lit"],\
      "seq":918273645,"source":"feed-a","venue_code":"Q","condition":"@","sale":"F"}""";

  static final TableSchema NESTED_SCHEMA =
      TableSchema.of(
          Field.of("event_id", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("event_type", FieldType.STRING),
          Field.of("ts", FieldType.TIMESTAMP, FieldMode.REQUIRED),
          Field.struct(
              "account",
              FieldMode.NULLABLE,
              List.of(
                  Field.of("id", FieldType.STRING),
                  Field.of("tier", FieldType.STRING),
                  Field.of("opened", FieldType.DATE),
                  Field.of("balance", FieldType.NUMERIC))),
          Field.struct(
              "orders",
              FieldMode.REPEATED,
              List.of(
                  Field.of("order_id", FieldType.STRING),
                  Field.of("symbol", FieldType.STRING),
                  Field.of("side", FieldType.STRING),
                  Field.of("qty", FieldType.INT64),
                  Field.of("px", FieldType.NUMERIC),
                  Field.of("placed_at", FieldType.TIMESTAMP),
                  Field.of("filled", FieldType.BOOL),
                  Field.of("fills", FieldType.FLOAT64, FieldMode.REPEATED))),
          Field.of("labels", FieldType.STRING, FieldMode.REPEATED),
          Field.of("context", FieldType.JSON));

  static final String NESTED = nestedEvent();

  /** The flat quote schema, shared with the end-to-end harness. */
  public static TableSchema flatSchema() {
    return FLAT_SCHEMA;
  }

  @Param({"flat", "nested"})
  public String payload;

  private byte[] bytes;
  private Message message;
  private JsonMessageMapper mapper;
  private final ObjectMapper jackson = new ObjectMapper();

  @Setup
  public void setUp() {
    boolean flat = payload.equals("flat");
    bytes = (flat ? FLAT : NESTED).getBytes(StandardCharsets.UTF_8);
    message = Message.of("m-1", bytes, Instant.parse("2026-11-24T14:30:00Z"));
    mapper =
        JsonMessageMapper.create(
            flat ? FLAT_SCHEMA : NESTED_SCHEMA, MappingConfig.typed(), "bench", Clock.systemUTC());
    if (!(mapper.map(message) instanceof MappingResult.Mapped)) {
      throw new IllegalStateException("the benchmark payload must map: " + mapper.map(message));
    }
  }

  /** The baseline: Jackson parsing the same bytes to a tree. */
  @Benchmark
  public JsonNode jacksonParse() throws IOException {
    return jackson.readTree(bytes);
  }

  /** Typed mapping: validate UTF-8, parse, coerce every field to its column type. */
  @Benchmark
  public MappingResult typedMapping() {
    return mapper.map(message);
  }

  private static String nestedEvent() {
    StringBuilder orders = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i > 0) {
        orders.append(',');
      }
      orders.append(
          String.format(
              "{\"order_id\":\"ord-%06d\",\"symbol\":\"%s\",\"side\":\"%s\",\"qty\":%d,"
                  + "\"px\":\"%d.%02d\",\"placed_at\":\"2026-11-24 14:%02d:%02d.%06d+00:00\","
                  + "\"filled\":%s,\"fills\":[%d.25,%d.5]}",
              i,
              new String[] {"AAPL", "MSFT", "NVDA", "AMZN"}[i % 4],
              i % 2 == 0 ? "BUY" : "SELL",
              100 * (i + 1),
              150 + i,
              i * 7 % 100,
              i,
              i * 3,
              i * 12345,
              i % 3 == 0,
              i,
              i + 1));
    }
    return "{\"event_id\":\"evt-5d1c2b7a-9f3e-4c21-8a55-0b6f9d2e1c44\",\"event_type\":\"orders.batch\","
        + "\"ts\":\"2026-11-24T14:30:00.123456Z\","
        + "\"account\":{\"id\":\"acc-42\",\"tier\":\"gold\",\"opened\":\"2019-03-14\",\"balance\":\"1250000.50\"},"
        + "\"orders\":["
        + orders
        + "],\"labels\":[\"desk-7\",\"algo\",\"twap\",\"eu\"],"
        + "\"context\":{\"client\":{\"app\":\"terminal\",\"version\":\"5.12.1\"},\"trace\":\"0af7651916cd43dd8448eb211c80319c\"}}";
  }
}

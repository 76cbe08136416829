package io.dcp.core.testing;

import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.nio.charset.StandardCharsets;

/** Market-quote events for benchmarks: one flat schema and payloads that all map to it. */
public final class QuoteEvents {
  private static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("exchange", FieldType.STRING),
          Field.of("bid", FieldType.FLOAT64),
          Field.of("ask", FieldType.FLOAT64),
          Field.of("bid_size", FieldType.INT64),
          Field.of("ask_size", FieldType.INT64),
          Field.of("last", FieldType.NUMERIC),
          Field.of("ts", FieldType.TIMESTAMP, FieldMode.REQUIRED),
          Field.of("trade_date", FieldType.DATE),
          Field.of("halted", FieldType.BOOL),
          Field.of("tags", FieldType.STRING, FieldMode.REPEATED),
          Field.of("seq", FieldType.INT64));

  private QuoteEvents() {}

  /** The flat quote schema: strings, floats, integers, NUMERIC, TIMESTAMP, DATE, BOOL, a list. */
  public static TableSchema schema() {
    return SCHEMA;
  }

  /** {@code count} distinct quote payloads of about 210 bytes each. */
  public static byte[][] payloads(int count) {
    byte[][] payloads = new byte[count][];
    String[] symbols = {"AAPL", "MSFT", "NVDA", "AMZN", "SAP", "ASML"};
    for (int i = 0; i < count; i++) {
      double bid = 50 + (i % 45_000) / 100.0;
      payloads[i] =
          String.format(
                  "{\"symbol\":\"%s\",\"exchange\":\"XNAS\",\"bid\":%.2f,\"ask\":%.2f,\"bid_size\":%d,"
                      + "\"ask_size\":%d,\"last\":\"%.2f\",\"ts\":\"2026-11-24T14:%02d:%02d.%06dZ\","
                      + "\"trade_date\":\"2026-11-24\",\"halted\":false,\"tags\":[\"nms\",\"lit\"],\"seq\":%d}",
                  symbols[i % symbols.length],
                  bid,
                  bid + 0.05,
                  100 * (i % 50 + 1),
                  100 * (i % 30 + 1),
                  bid + 0.02,
                  i / 60 % 60,
                  i % 60,
                  i % 1_000_000,
                  i)
              .getBytes(StandardCharsets.UTF_8);
    }
    return payloads;
  }
}

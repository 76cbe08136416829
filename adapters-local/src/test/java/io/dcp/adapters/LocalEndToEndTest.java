package io.dcp.adapters;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.adapters.duckdb.DuckDbWarehouse;
import io.dcp.adapters.ndjson.NdjsonMessageSource;
import io.dcp.core.mapping.ColumnSource;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.RowSink;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.tables.TestTables;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NDJSON file → real mapper → real pipeline → real DuckDB, rows and dead letters checked. */
class LocalEndToEndTest {
  @TempDir Path dir;

  @Test
  void landsTheGoodLinesAndDeadLettersTheBadOnesWithTheirReasons() throws Exception {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.writeBytes(
        """
        {"symbol":"AAPL","bid":189.42,"ts":"2026-11-24T14:30:00.123456Z"}
        {"symbol":"MSFT","bid":"12,5","ts":"2026-11-24T14:30:01Z"}
        {"symbol":"NVDA","bid":1
        {"bid":1.5,"ts":"2026-11-24T14:30:02Z"}
        """
            .getBytes(StandardCharsets.UTF_8));
    input.writeBytes(new byte[] {'{', '"', 's', '"', ':', (byte) 0xc3, '(', '}', '\n'});
    input.writeBytes(
        "{\"symbol\":\"AMZN\",\"bid\":\"3.25\",\"ts\":\"2026-11-24 14:30:03\"}\n"
            .getBytes(StandardCharsets.UTF_8));
    Path file = dir.resolve("quotes.ndjson");
    Files.write(file, input.toByteArray());
    TableSchema schema =
        TableSchema.of(
            Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
            Field.of("bid", FieldType.FLOAT64),
            Field.of("ts", FieldType.TIMESTAMP, FieldMode.REQUIRED),
            Field.of("message_id", FieldType.STRING));
    MappingConfig mapping =
        MappingConfig.typed().withColumn("message_id", ColumnSource.parse("metadata:message_id"));
    String db = dir.resolve("warehouse.duckdb").toString();
    DuckDbWarehouse warehouse = DuckDbWarehouse.open(db);
    TestTables.create(warehouse, TableId.local("quotes"), schema);
    TestTables.createDeadLetterTable(warehouse, TableId.local("dead_letters"));
    RowSink sink = warehouse.rowSink();

    IngestPipeline pipeline =
        new IngestPipeline(
            new NdjsonMessageSource(
                List.of(file.toString()),
                new ByteArrayInputStream(new byte[0]),
                Clock.systemUTC(),
                3),
            JsonMessageMapper.create(schema, mapping, "quotes.ndjson", Clock.systemUTC()),
            TableId.local("quotes"),
            schema,
            sink,
            new TableDeadLetterSink(sink, TableId.local("dead_letters")),
            PipelineSettings.defaults(),
            PipelineMetrics.NOOP,
            Clock.systemUTC());
    pipeline.start();
    pipeline.finished().toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertThat(pipeline.stop(Duration.ofSeconds(5))).isTrue();
    warehouse.close();

    assertThat(pipeline.stats().acked()).isEqualTo(6);
    assertThat(pipeline.stats().nacked()).isZero();
    assertThat(
            query(
                db,
                "SELECT symbol || '|' || bid || '|' || strftime(ts AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f') || '|' || message_id FROM quotes ORDER BY symbol"))
        .containsExactly(
            "AAPL|189.42|2026-11-24 14:30:00.123456|quotes.ndjson:1",
            "AMZN|3.25|2026-11-24 14:30:03.000000|quotes.ndjson:6");
    assertThat(
            query(
                db,
                "SELECT message_id || ' ' || errorMessage FROM dead_letters ORDER BY message_id"))
        .containsExactly(
            "quotes.ndjson:2 map: $.bid: \"12,5\" is not a FLOAT64",
            "quotes.ndjson:3 parse: malformed JSON: Unexpected end-of-input: expected close marker for Object at line 1, column 25",
            "quotes.ndjson:4 map: $.symbol: missing required field",
            "quotes.ndjson:5 decode: invalid UTF-8 at byte 5");
    assertThat(
            query(
                db,
                "SELECT hex(payloadBytes) FROM dead_letters WHERE message_id = 'quotes.ndjson:5'"))
        .containsExactly("7B2273223AC3287D");
  }

  private static List<String> query(String db, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}

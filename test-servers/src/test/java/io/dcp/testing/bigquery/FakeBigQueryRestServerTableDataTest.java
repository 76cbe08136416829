package io.dcp.testing.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.FieldValue;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.StandardSQLTypeName;
import com.google.cloud.bigquery.StandardTableDefinition;
import com.google.cloud.bigquery.TableInfo;
import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code tabledata.list} as the real BigQuery client reads it. */
class FakeBigQueryRestServerTableDataTest {
  private static final TableId TABLE = new TableId("test-project", "ds", "t");
  private static final com.google.cloud.bigquery.TableId REST_TABLE =
      com.google.cloud.bigquery.TableId.of("test-project", "ds", "t");
  private static final Instant AT = Instant.parse("2024-05-01T10:00:01.123456Z");
  private static final Schema SCHEMA =
      Schema.of(
          field("s", StandardSQLTypeName.STRING),
          field("b", StandardSQLTypeName.BYTES),
          field("i", StandardSQLTypeName.INT64),
          field("f", StandardSQLTypeName.FLOAT64),
          field("n", StandardSQLTypeName.NUMERIC),
          field("ok", StandardSQLTypeName.BOOL),
          field("ts", StandardSQLTypeName.TIMESTAMP),
          field("d", StandardSQLTypeName.DATE),
          field("t", StandardSQLTypeName.TIME),
          field("dt", StandardSQLTypeName.DATETIME),
          com.google.cloud.bigquery.Field.newBuilder("tags", StandardSQLTypeName.STRING)
              .setMode(com.google.cloud.bigquery.Field.Mode.REPEATED)
              .build(),
          com.google.cloud.bigquery.Field.newBuilder(
                  "kv",
                  StandardSQLTypeName.STRUCT,
                  field("key", StandardSQLTypeName.STRING),
                  field("value", StandardSQLTypeName.INT64))
              .setMode(com.google.cloud.bigquery.Field.Mode.REPEATED)
              .build());

  private FakeBigQueryWriteServer write;
  private FakeBigQueryRestServer rest;
  private BigQuery bigQuery;

  @BeforeEach
  void start() throws Exception {
    write = FakeBigQueryWriteServer.start();
    rest = FakeBigQueryRestServer.start(write);
    rest.createDataset("test-project", "ds");
    bigQuery =
        BigQueryOptions.newBuilder()
            .setProjectId("test-project")
            .setHost(rest.url())
            .setCredentials(NoCredentials.getInstance())
            .setRetrySettings(ServiceOptions.getNoRetrySettings())
            .build()
            .getService();
    bigQuery.create(TableInfo.of(REST_TABLE, StandardTableDefinition.of(SCHEMA)));
  }

  @AfterEach
  void stop() {
    rest.close();
    write.close();
  }

  @Test
  void clientReadsEveryTypeBackAsWritten() {
    write.addRows(
        TABLE,
        List.of(
            Row.builder()
                .set("s", "héllo")
                .set("b", Bytes.copyOf(new byte[] {0, (byte) 0xFF, 7}))
                .set("i", -9_007_199_254_740_993L)
                .set("f", 1.5)
                .set("n", new BigDecimal("12345678901234567890.123456789"))
                .set("ok", true)
                .set("ts", AT)
                .set("d", LocalDate.parse("2024-02-29"))
                .set("t", LocalTime.parse("23:59:58.000001"))
                .set("dt", LocalDateTime.parse("2024-05-01T10:00"))
                .set("tags", List.of("a", "b"))
                .set(
                    "kv",
                    List.of(
                        Row.builder().set("key", "x").set("value", 1L).build(),
                        Row.builder().set("key", "y").build()))
                .build(),
            Row.builder().set("s", "nulls").build()));

    List<FieldValueList> rows = new ArrayList<>();
    bigQuery.listTableData(REST_TABLE, SCHEMA).iterateAll().forEach(rows::add);

    assertThat(rows).hasSize(2);
    FieldValueList full = rows.get(0);
    assertThat(full.get("s").getStringValue()).isEqualTo("héllo");
    assertThat(full.get("b").getBytesValue()).containsExactly(0, 0xFF, 7);
    assertThat(full.get("i").getLongValue()).isEqualTo(-9_007_199_254_740_993L);
    assertThat(full.get("f").getDoubleValue()).isEqualTo(1.5);
    assertThat(full.get("n").getNumericValue())
        .isEqualByComparingTo("12345678901234567890.123456789");
    assertThat(full.get("ok").getBooleanValue()).isTrue();
    assertThat(full.get("ts").getTimestampInstant()).isEqualTo(AT);
    assertThat(full.get("d").getStringValue()).isEqualTo("2024-02-29");
    assertThat(full.get("t").getStringValue()).isEqualTo("23:59:58.000001");
    assertThat(full.get("dt").getStringValue()).isEqualTo("2024-05-01T10:00:00");
    assertThat(full.get("tags").getRepeatedValue())
        .extracting(FieldValue::getStringValue)
        .containsExactly("a", "b");
    // The client names the sub-fields of a record, but not of records in an array: by position.
    List<FieldValue> kv = full.get("kv").getRepeatedValue();
    assertThat(kv.get(0).getRecordValue().get(0).getStringValue()).isEqualTo("x");
    assertThat(kv.get(0).getRecordValue().get(1).getLongValue()).isEqualTo(1L);
    assertThat(kv.get(1).getRecordValue().get(1).isNull()).isTrue();
    FieldValueList nulls = rows.get(1);
    assertThat(nulls.get("ts").isNull()).isTrue();
    assertThat(nulls.get("b").isNull()).isTrue();
    assertThat(nulls.get("tags").getRepeatedValue()).isEmpty();
  }

  @Test
  void clientFollowsPageTokensThroughEveryRowInOrder() {
    write.addRows(
        TABLE,
        IntStream.range(0, 5).mapToObj(i -> Row.builder().set("i", (long) i).build()).toList());
    rest.limitPageRows(2);

    List<Long> read = new ArrayList<>();
    bigQuery
        .listTableData(REST_TABLE, SCHEMA)
        .iterateAll()
        .forEach(row -> read.add(row.get("i").getLongValue()));

    assertThat(read).containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(rest.requests())
        .filteredOn(r -> r.endsWith("/tables/t/data"))
        .hasSize(3)
        .allMatch(r -> r.startsWith("GET /bigquery/v2/projects/test-project/datasets/ds/"));
  }

  @Test
  void answersInBigQuerysWireFormatWithTimestampsAsAskedFor() throws Exception {
    write.addRows(
        TABLE,
        List.of(
            Row.builder().set("ts", AT).set("ok", false).set("i", 3L).build(),
            Row.builder().build()));

    JsonNode micros = get("?maxResults=1&formatOptions.useInt64Timestamp=true");
    JsonNode seconds = get("?pageToken=1");
    JsonNode secondsFirst = get("?maxResults=1");

    assertThat(micros.path("kind").asText()).isEqualTo("bigquery#tableDataList");
    assertThat(micros.path("totalRows").asText()).isEqualTo("2");
    assertThat(micros.path("pageToken").asText()).isEqualTo("1");
    JsonNode cells = micros.path("rows").get(0).path("f");
    assertThat(cells.get(2).path("v").asText()).isEqualTo("3");
    assertThat(cells.get(2).path("v").isTextual()).isTrue();
    assertThat(cells.get(5).path("v").asText()).isEqualTo("false");
    assertThat(cells.get(6).path("v").asText()).isEqualTo("1714557601123456");
    assertThat(cells.get(0).path("v").isNull()).isTrue();
    assertThat(cells.get(10).path("v").isArray()).isTrue();
    assertThat(secondsFirst.path("rows").get(0).path("f").get(6).path("v").asText())
        .isEqualTo("1.714557601123456E9");
    assertThat(seconds.has("pageToken")).isFalse();
    assertThat(seconds.path("rows")).hasSize(1);
  }

  @Test
  void missingTableIsNotFound() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            rest.url()
                                + "/bigquery/v2/projects/test-project/datasets/ds/tables/nope/data"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("Not found: Table test-project:ds.nope");
  }

  private JsonNode get(String query) throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create(
                            rest.url()
                                + "/bigquery/v2/projects/test-project/datasets/ds/tables/t/data"
                                + query))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return new ObjectMapper().readTree(response.body());
  }

  private static com.google.cloud.bigquery.Field field(String name, StandardSQLTypeName type) {
    return com.google.cloud.bigquery.Field.of(name, type);
  }
}

package io.dcp.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonMessageMapperTest {
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00.123456789Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  private static final Instant PUBLISHED = Instant.parse("2026-11-24T11:59:59.987654321Z");

  private static final TableSchema QUOTE =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("bid", FieldType.FLOAT64),
          Field.of("size", FieldType.INT64));

  private static Message message(String json) {
    return new Message("m-1", json.getBytes(StandardCharsets.UTF_8), Map.of(), PUBLISHED, "", 0);
  }

  private static Message message(byte[] data) {
    return new Message("m-1", data, Map.of(), PUBLISHED, "", 0);
  }

  private static DeadLetter rejected(MappingResult result) {
    assertThat(result).isInstanceOf(MappingResult.Rejected.class);
    return ((MappingResult.Rejected) result).deadLetter();
  }

  private static List<Row> mapped(MappingResult result) {
    assertThat(result)
        .as(() -> result instanceof MappingResult.Rejected r ? r.deadLetter().errorMessage() : "")
        .isInstanceOf(MappingResult.Mapped.class);
    return ((MappingResult.Mapped) result).rows();
  }

  private static JsonMessageMapper mapper(TableSchema schema, MappingConfig config) {
    return JsonMessageMapper.create(schema, config, "projects/p/subscriptions/quotes", CLOCK);
  }

  @Test
  void mapsARealisticNestedEventToTheExactRow() {
    TableSchema schema =
        TableSchema.of(
            Field.of("event_id", FieldType.STRING, FieldMode.REQUIRED),
            Field.of("ts", FieldType.TIMESTAMP, FieldMode.REQUIRED),
            Field.struct(
                "quote",
                FieldMode.NULLABLE,
                List.of(
                    Field.of("bid", FieldType.NUMERIC),
                    Field.of("ask", FieldType.NUMERIC),
                    Field.of("venue", FieldType.STRING))),
            Field.struct(
                "legs",
                FieldMode.REPEATED,
                List.of(
                    Field.of("px", FieldType.FLOAT64, FieldMode.REQUIRED),
                    Field.of("qty", FieldType.INT64),
                    Field.of("tags", FieldType.STRING, FieldMode.REPEATED))),
            Field.of("trade_date", FieldType.DATE),
            Field.of("meta", FieldType.JSON));
    String json =
        """
        {"event_id":"e-1","ts":"2026-11-24 09:30:00.000250+01:00",
         "quote":{"bid":"101.25","ask":101.5,"venue":"XNAS"},
         "legs":[{"px":1.5,"qty":"3","tags":["a","b"]},{"px":2}],
         "trade_date":"2026-11-24","meta":{"source":"feed","seq":[1,2]}}
        """;

    Row row = mapped(mapper(schema, MappingConfig.typed()).map(message(json))).get(0);

    assertThat(row)
        .isEqualTo(
            Row.builder()
                .set("event_id", "e-1")
                .set("ts", Instant.parse("2026-11-24T08:30:00.000250Z"))
                .set(
                    "quote",
                    Row.builder()
                        .set("bid", new BigDecimal("101.25"))
                        .set("ask", new BigDecimal("101.5"))
                        .set("venue", "XNAS")
                        .build())
                .set(
                    "legs",
                    List.of(
                        Row.builder()
                            .set("px", 1.5)
                            .set("qty", 3L)
                            .set("tags", List.of("a", "b"))
                            .build(),
                        Row.builder().set("px", 2.0).build()))
                .set("trade_date", LocalDate.of(2026, 11, 24))
                .set("meta", "{\"source\":\"feed\",\"seq\":[1,2]}")
                .build());
  }

  @Test
  void namesTheNestedPathOfAValueThatDoesNotFit() {
    TableSchema schema =
        TableSchema.of(
            Field.struct("quote", FieldMode.NULLABLE, List.of(Field.of("bid", FieldType.FLOAT64))),
            Field.struct(
                "legs",
                FieldMode.REPEATED,
                List.of(Field.of("px", FieldType.FLOAT64, FieldMode.REQUIRED))));
    JsonMessageMapper mapper = mapper(schema, MappingConfig.typed());

    assertThat(rejected(mapper.map(message("{\"quote\":{\"bid\":\"12,5\"}}"))).errorMessage())
        .isEqualTo("map: $.quote.bid: \"12,5\" is not a FLOAT64");
    assertThat(
            rejected(mapper.map(message("{\"legs\":[{\"px\":1},{\"px\":1},{}]}"))).errorMessage())
        .isEqualTo("map: $.legs[2].px: missing required field");
    assertThat(rejected(mapper.map(message("{\"quote\":5}"))).errorMessage())
        .isEqualTo("map: $.quote: 5 is not a RECORD (a JSON object)");
  }

  @Test
  void keepsTheOriginalMessageInTheDeadLetter() {
    Message original =
        new Message(
            "id-9",
            "{\"bid\":1}".getBytes(StandardCharsets.UTF_8),
            Map.of("k", "v"),
            PUBLISHED,
            "key",
            3);

    DeadLetter letter = rejected(mapper(QUOTE, MappingConfig.typed()).map(original));

    assertThat(letter.message()).isEqualTo(original);
    assertThat(letter.stage()).isEqualTo(Stage.MAP);
    assertThat(letter.fieldPath()).isEqualTo("$.symbol");
    assertThat(letter.reason()).isEqualTo("missing required field");
    assertThat(letter.failedAt()).isEqualTo(NOW);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " => ",
      quoteCharacter = '`',
      textBlock =
          """
          {"symbol":"A"                  => parse: malformed JSON: Unexpected end-of-input: expected close marker for Object at line 1, column 14
          {"symbol":"A"} x               => parse: malformed JSON: Unrecognized token 'x': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false') at line 1, column 16
          {"symbol":"A","symbol":"B"}    => parse: malformed JSON: Duplicate field 'symbol' at line 1, column 23
          {symbol:"A"}                   => parse: malformed JSON: Unexpected character ('s' (code 115)): was expecting double-quote to start field name at line 1, column 2
          {"bid":NaN}                    => parse: malformed JSON: Non-standard token 'NaN': enable `JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS` to allow at line 1, column 11
          "just a string"                => parse: top-level JSON value is a string, expected an object
          42                             => parse: top-level JSON value is a number, expected an object
          null                           => parse: top-level JSON value is null, expected an object
          [{"symbol":"A"}]               => parse: top-level JSON value is an array, expected an object (set mapping.explodeArrays to map an array to one row per element)
          """)
  void deadLettersPayloadsThatAreNotAJsonObject(String payload, String expected) {
    assertThat(rejected(mapper(QUOTE, MappingConfig.typed()).map(message(payload))).errorMessage())
        .isEqualTo(expected);
  }

  @Test
  void deadLettersAnEmptyPayload() {
    assertThat(rejected(mapper(QUOTE, MappingConfig.typed()).map(message(""))).errorMessage())
        .isEqualTo("parse: empty payload, expected a JSON object");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "lone continuation byte, 7b80, 1",
    "overlong slash, 7bc0af7d, 1",
    "overlong 3-byte, 7be080af7d, 1",
    "surrogate half, 7beda0807d, 1",
    "past U+10FFFF, 7bf49080807d, 1",
    "truncated 3-byte, 7b22e282, 2",
    "invalid lead byte, 7bff7d, 1",
    "latin-1 e-acute, 7b2265223a22e9227d, 6"
  })
  void deadLettersInvalidUtf8NamingTheByteOffset(String name, String hex, int offset) {
    byte[] data = java.util.HexFormat.of().parseHex(hex);

    DeadLetter letter = rejected(mapper(QUOTE, MappingConfig.typed()).map(message(data)));

    assertThat(letter.errorMessage()).isEqualTo("decode: invalid UTF-8 at byte " + offset);
    assertThat(letter.message().data()).isEqualTo(data);
  }

  @Test
  void acceptsValidMultiByteUtf8() {
    Row row =
        mapped(mapper(QUOTE, MappingConfig.typed()).map(message("{\"symbol\":\"€𝄞é\"}"))).get(0);

    assertThat(row.get("symbol")).isEqualTo("€𝄞é");
  }

  @Test
  void deadLettersPayloadsOverTheSizeLimit() {
    JsonMessageMapper mapper = mapper(QUOTE, MappingConfig.typed().withMaxPayloadBytes(16));

    assertThat(rejected(mapper.map(message("{\"symbol\":\"ABCDEFGH\"}"))).errorMessage())
        .isEqualTo("decode: payload is 21 bytes, over the limit of 16");
  }

  @Test
  void deadLettersNestingDeeperThanTheLimitWithoutBlowingTheStack() {
    String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);

    DeadLetter letter = rejected(mapper(QUOTE, MappingConfig.typed()).map(message(deep)));

    assertThat(letter.errorMessage()).isEqualTo("parse: JSON nested deeper than 64 levels");
  }

  @Test
  void ignoresRejectsOrKeepsUnknownFieldsAsConfigured() {
    TableSchema schema =
        TableSchema.of(
            Field.of("symbol", FieldType.STRING),
            Field.struct("venue", FieldMode.NULLABLE, List.of(Field.of("id", FieldType.INT64))),
            Field.of("_unknown_fields", FieldType.JSON));
    String json = "{\"symbol\":\"A\",\"extra\":[1],\"venue\":{\"id\":1,\"code\":\"X\"}}";

    Row ignored = mapped(mapper(schema, MappingConfig.typed()).map(message(json))).get(0);
    DeadLetter rejected =
        rejected(
            mapper(schema, MappingConfig.typed().withUnknownFields(UnknownFields.REJECT))
                .map(message(json)));
    Row kept =
        mapped(
                mapper(schema, MappingConfig.typed().withUnknownFields(UnknownFields.KEEP))
                    .map(message(json)))
            .get(0);

    assertThat(ignored.values()).containsOnlyKeys("symbol", "venue");
    assertThat(rejected.errorMessage())
        .isEqualTo("map: $.extra: unknown field (mapping.unknownFields is reject)");
    assertThat(kept.get("_unknown_fields")).isEqualTo("{\"extra\":[1],\"venue.code\":\"X\"}");
    assertThat(kept.get("venue")).isEqualTo(Row.builder().set("id", 1L).build());
  }

  @Test
  void matchesFieldNamesCaseInsensitivelyLikeBigQuery() {
    Row row =
        mapped(mapper(QUOTE, MappingConfig.typed()).map(message("{\"SYMBOL\":\"A\",\"Bid\":1}")))
            .get(0);

    assertThat(row).isEqualTo(Row.builder().set("symbol", "A").set("bid", 1.0).build());
  }

  @Test
  void fillsColumnsFromPointersAttributesAndMetadata() {
    TableSchema schema =
        TableSchema.of(
            Field.of("symbol", FieldType.STRING),
            Field.of("bid", FieldType.FLOAT64),
            Field.of("region", FieldType.STRING),
            Field.of("seq", FieldType.INT64),
            Field.of("message_id", FieldType.STRING),
            Field.of("publish_time", FieldType.TIMESTAMP),
            Field.of("attributes", FieldType.JSON),
            Field.of("ordering_key", FieldType.STRING),
            Field.of("subscription", FieldType.STRING),
            Field.of("ingested_at", FieldType.TIMESTAMP),
            Field.of("attempt", FieldType.INT64),
            Field.of("raw", FieldType.STRING));
    MappingConfig config =
        MappingConfig.typed()
            .withUnknownFields(UnknownFields.REJECT)
            .withColumn("bid", ColumnSource.parse("/quote/bid"))
            .withColumn("region", ColumnSource.parse("attribute:region"))
            .withColumn("seq", ColumnSource.parse("attribute:seq"))
            .withColumn("message_id", ColumnSource.parse("metadata:message_id"))
            .withColumn("publish_time", ColumnSource.parse("metadata:publish_time"))
            .withColumn("attributes", ColumnSource.parse("metadata:attributes"))
            .withColumn("ordering_key", ColumnSource.parse("metadata:ordering_key"))
            .withColumn("subscription", ColumnSource.parse("metadata:subscription"))
            .withColumn("ingested_at", ColumnSource.parse("metadata:ingested_at"))
            .withColumn("attempt", ColumnSource.parse("metadata:delivery_attempt"))
            .withColumn("raw", ColumnSource.parse("metadata:payload"));
    String json = "{\"symbol\":\"A\",\"quote\":{\"bid\":\"1.25\"}}";
    Message m =
        new Message(
            "m-7",
            json.getBytes(StandardCharsets.UTF_8),
            Map.of("seq", "42", "region", "eu"),
            PUBLISHED,
            "k1",
            2);

    Row row = mapped(mapper(schema, config).map(m)).get(0);

    assertThat(row)
        .isEqualTo(
            Row.builder()
                .set("symbol", "A")
                .set("bid", 1.25)
                .set("region", "eu")
                .set("seq", 42L)
                .set("message_id", "m-7")
                .set("publish_time", Instant.parse("2026-11-24T11:59:59.987654Z"))
                .set("attributes", "{\"region\":\"eu\",\"seq\":\"42\"}")
                .set("ordering_key", "k1")
                .set("subscription", "projects/p/subscriptions/quotes")
                .set("ingested_at", Instant.parse("2026-11-24T12:00:00.123456Z"))
                .set("attempt", 2L)
                .set("raw", json)
                .build());
  }

  @Test
  void leavesMissingSourcesNullAndNamesBadAttributeValues() {
    TableSchema schema =
        TableSchema.of(Field.of("seq", FieldType.INT64), Field.of("k", FieldType.STRING));
    MappingConfig config =
        MappingConfig.typed()
            .withColumn("seq", ColumnSource.parse("attribute:seq"))
            .withColumn("k", ColumnSource.parse("metadata:ordering_key"));
    JsonMessageMapper mapper = mapper(schema, config);

    assertThat(mapped(mapper.map(message("{}"))).get(0)).isEqualTo(Row.empty());
    Message bad =
        new Message(
            "m", "{}".getBytes(StandardCharsets.UTF_8), Map.of("seq", "x1"), PUBLISHED, "", 0);
    assertThat(rejected(mapper.map(bad)).errorMessage())
        .isEqualTo("map: attribute:seq: \"x1\" is not an INT64");
  }

  @Test
  void rawModeStoresTheWholePayloadNextToTheArrivalTime() {
    TableSchema schema =
        TableSchema.of(
            Field.of("ingested_at", FieldType.TIMESTAMP, FieldMode.REQUIRED),
            Field.of("payload", FieldType.STRING, FieldMode.REQUIRED));
    JsonMessageMapper mapper = mapper(schema, MappingConfig.raw("payload", "ingested_at"));

    Row row = mapped(mapper.map(message("not even json {"))).get(0);

    assertThat(row)
        .isEqualTo(
            Row.builder()
                .set("ingested_at", Instant.parse("2026-11-24T12:00:00.123456Z"))
                .set("payload", "not even json {")
                .build());
    assertThat(rejected(mapper.map(message(new byte[] {(byte) 0xff}))).errorMessage())
        .isEqualTo("decode: invalid UTF-8 at byte 0");
  }

  @Test
  void aDatetimeArrivalColumnTakesTheArrivalTimeAsUtcCivilTime() {
    TableSchema schema =
        TableSchema.of(
            Field.of("ARRIVAL_DATE", FieldType.DATETIME), Field.of("data", FieldType.STRING));
    JsonMessageMapper mapper = mapper(schema, MappingConfig.raw("data", "ARRIVAL_DATE"));

    Row row = mapped(mapper.map(message("{\"a\":1}"))).get(0);

    assertThat(row)
        .isEqualTo(
            Row.builder()
                .set("ARRIVAL_DATE", java.time.LocalDateTime.parse("2026-11-24T12:00:00.123456"))
                .set("data", "{\"a\":1}")
                .build());
  }

  @Test
  void rawModeIntoAJsonColumnRequiresValidJson() {
    TableSchema schema =
        TableSchema.of(Field.of("at", FieldType.TIMESTAMP), Field.of("payload", FieldType.JSON));
    JsonMessageMapper mapper = mapper(schema, MappingConfig.raw("payload", "at"));

    assertThat(mapped(mapper.map(message("{ \"a\" : 1 }"))).get(0).get("payload"))
        .isEqualTo("{\"a\":1}");
    assertThat(rejected(mapper.map(message("{oops"))).stage()).isEqualTo(Stage.PARSE);
  }

  @Test
  void explodesAnArrayIntoOneRowPerElementAtomically() {
    JsonMessageMapper mapper = mapper(QUOTE, MappingConfig.typed().withExplodeArrays(true));

    List<Row> rows =
        mapped(mapper.map(message("[{\"symbol\":\"A\"},{\"symbol\":\"B\",\"size\":2}]")));
    DeadLetter bad =
        rejected(mapper.map(message("[{\"symbol\":\"A\"},{\"symbol\":\"B\",\"size\":\"x\"}]")));
    DeadLetter scalar = rejected(mapper.map(message("[{\"symbol\":\"A\"},7]")));

    assertThat(rows)
        .containsExactly(
            Row.builder().set("symbol", "A").build(),
            Row.builder().set("symbol", "B").set("size", 2L).build());
    assertThat(mapped(mapper.map(message("[]")))).isEmpty();
    assertThat(mapped(mapper.map(message("{\"symbol\":\"C\"}")))).hasSize(1);
    assertThat(bad.errorMessage()).isEqualTo("map: $[1].size: \"x\" is not an INT64");
    assertThat(scalar.errorMessage())
        .isEqualTo("parse: $[1]: array element is a number, expected an object");
  }

  @Test
  void reportsEveryConfigProblemWithItsKey() {
    TableSchema schema =
        TableSchema.of(
            Field.of("id", FieldType.INT64),
            Field.of("tags", FieldType.STRING, FieldMode.REPEATED),
            Field.of("note", FieldType.STRING, FieldMode.REQUIRED));
    MappingConfig config =
        MappingConfig.typed()
            .withUnknownFields(UnknownFields.KEEP)
            .withColumn("missing", ColumnSource.parse("/a"))
            .withColumn("id", ColumnSource.parse("metadata:publish_time"))
            .withColumn("tags", ColumnSource.parse("attribute:t"));

    assertThat(JsonMessageMapper.validate(schema, config))
        .containsExactly(
            "mapping.columns.missing: column 'missing' is not in the table schema",
            "mapping.columns.id: metadata:publish_time goes into a column of type [DATETIME, STRING, TIMESTAMP], not INT64",
            "mapping.columns.tags: an attribute is a string; it cannot fill a REPEATED STRING column",
            "mapping.keepColumn: column '_unknown_fields' is not in the table schema; add it as a JSON column");
    assertThat(JsonMessageMapper.validate(schema, MappingConfig.raw("payload", "at")))
        .contains(
            "mapping.columns.payload: column 'payload' is not in the table schema",
            "mapping.columns.note: REQUIRED column has no source in raw mode; give it one or make it NULLABLE");
    assertThatThrownBy(() -> mapper(schema, config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(
            "the mapping does not fit the table schema:\n  - mapping.columns.missing");
  }

  @Test
  void parsesColumnSourcesAndExplainsBadOnes() {
    assertThat(ColumnSource.parse("/a/b")).isEqualTo(new ColumnSource.Pointer("/a/b"));
    assertThat(ColumnSource.parse("attribute:type")).isEqualTo(new ColumnSource.Attribute("type"));
    assertThat(ColumnSource.parse("metadata:publish_time"))
        .isEqualTo(new ColumnSource.Metadata(MetadataField.PUBLISH_TIME));
    assertThatThrownBy(() -> ColumnSource.parse("metadata:when"))
        .hasMessageStartingWith("unknown metadata field 'when': one of message_id");
    assertThatThrownBy(() -> ColumnSource.parse("$.a"))
        .hasMessage(
            "column source '$.a' is not a JSON Pointer (/a/b), attribute:NAME or metadata:FIELD");
  }

  private static List<Field> newColumns(MappingResult result) {
    assertThat(result).isInstanceOf(MappingResult.NewColumns.class);
    return ((MappingResult.NewColumns) result).columns();
  }

  @Test
  void reportsNewTopLevelAndNestedFieldsAsTypedNullableColumns() {
    TableSchema schema =
        TableSchema.of(
            Field.of("symbol", FieldType.STRING),
            Field.struct("venue", FieldMode.NULLABLE, List.of(Field.of("id", FieldType.INT64))),
            Field.struct("legs", FieldMode.REPEATED, List.of(Field.of("px", FieldType.FLOAT64))));
    JsonMessageMapper mapper = mapper(schema, MappingConfig.typed()).reportingNewColumns();

    MappingResult result =
        mapper.map(
            message(
                "{\"symbol\":\"A\",\"qty\":5,\"venue\":{\"id\":1,\"code\":\"XNAS\"},"
                    + "\"legs\":[{\"px\":1.5},{\"px\":2,\"note\":\"late\"}],"
                    + "\"at\":\"2026-11-24T12:00:00Z\",\"tags\":[\"a\"],\"gone\":null}"));

    assertThat(newColumns(result))
        .containsExactly(
            Field.of("qty", FieldType.INT64),
            Field.struct("venue", FieldMode.NULLABLE, List.of(Field.of("code", FieldType.STRING))),
            Field.struct("legs", FieldMode.REPEATED, List.of(Field.of("note", FieldType.STRING))),
            Field.of("at", FieldType.TIMESTAMP),
            Field.of("tags", FieldType.STRING, FieldMode.REPEATED));
  }

  @Test
  void mapsOnceTheSchemaHasTheNewColumns() {
    TableSchema before = TableSchema.of(Field.of("symbol", FieldType.STRING));
    MappingResult first =
        mapper(before, MappingConfig.typed())
            .reportingNewColumns()
            .map(message("{\"symbol\":\"A\",\"qty\":5}"));
    TableSchema after = before.merged(newColumns(first));

    List<Row> rows =
        mapped(
            mapper(after, MappingConfig.typed())
                .reportingNewColumns()
                .map(message("{\"symbol\":\"A\",\"qty\":5}")));

    assertThat(rows).containsExactly(Row.builder().set("symbol", "A").set("qty", 5L).build());
  }

  @Test
  void fieldsThatCannotBecomeColumnsFollowTheUnknownFieldsPolicy() {
    TableSchema schema = TableSchema.of(Field.of("symbol", FieldType.STRING));
    String payload = "{\"symbol\":\"A\",\"bad-name\":1,\"none\":null,\"empty\":{}}";

    assertThat(
            mapped(
                mapper(schema, MappingConfig.typed()).reportingNewColumns().map(message(payload))))
        .containsExactly(Row.builder().set("symbol", "A").build());
    assertThat(
            rejected(
                    mapper(schema, MappingConfig.typed().withUnknownFields(UnknownFields.REJECT))
                        .reportingNewColumns()
                        .map(message(payload)))
                .errorMessage())
        .isEqualTo("map: $.bad-name: unknown field (mapping.unknownFields is reject)");
  }

  @Test
  void aValueOfTheWrongTypeForAnAddedColumnIsRejectedNotWidened() {
    TableSchema schema =
        TableSchema.of(Field.of("symbol", FieldType.STRING), Field.of("qty", FieldType.INT64));

    DeadLetter letter =
        rejected(
            mapper(schema, MappingConfig.typed())
                .reportingNewColumns()
                .map(message("{\"symbol\":\"A\",\"qty\":\"five\",\"extra\":1}")));

    assertThat(letter.stage()).isEqualTo(Stage.MAP);
    assertThat(letter.fieldPath()).isEqualTo("$.qty");
  }
}

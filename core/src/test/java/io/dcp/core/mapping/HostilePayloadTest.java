package io.dcp.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Payloads a hostile or broken producer sends: numbers whose exponent implies billions of digits,
 * digit strings longer than any number, escaped lone surrogates. Each is a dead letter with an
 * exact reason (or an exact row), never an exception out of {@code map()}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostilePayloadTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T00:00:00Z"), ZoneOffset.UTC);

  private static MappingResult map(TableSchema schema, String payload) {
    return JsonMessageMapper.create(schema, MappingConfig.typed(), "sub", CLOCK)
        .map(Message.ofUtf8("id", payload, Instant.EPOCH));
  }

  private static String mapOne(String type, String mode, String json) {
    FieldType fieldType = FieldType.parse(type).orElseThrow();
    TableSchema schema = TableSchema.of(Field.of("v", fieldType, FieldMode.valueOf(mode)));
    return CoercionCasesTest.render(map(schema, "{\"v\":" + json + "}"), fieldType);
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
          INT64      | NULLABLE | 1e999999999     | map: $.v: 1E+999999999 is out of INT64 range
          INT64      | NULLABLE | -1e999999999    | map: $.v: -1E+999999999 is out of INT64 range
          INT64      | NULLABLE | 1e100000000     | map: $.v: 1E+100000000 is out of INT64 range
          INT64      | REPEATED | [1,1e999999999] | map: $.v[1]: 1E+999999999 is out of INT64 range
          INT64      | NULLABLE | 1e-999999999    | map: $.v: 1E-999999999 is not an INT64 (it has a fraction)
          INT64      | NULLABLE | 0e999999999     | 0L
          INT64      | NULLABLE | 1.0e18          | 1000000000000000000L
          NUMERIC    | NULLABLE | 1e999999999     | map: $.v: 1E+999999999 is out of NUMERIC range
          NUMERIC    | NULLABLE | 1e100000000     | map: $.v: 1E+100000000 is out of NUMERIC range
          NUMERIC    | NULLABLE | 1e-999999999    | map: $.v: 1E-999999999 has more than 9 digits after the decimal point (NUMERIC does not round)
          NUMERIC    | NULLABLE | 0e-999999999    | 0m
          NUMERIC    | NULLABLE | 1e28            | 10000000000000000000000000000m
          NUMERIC    | NULLABLE | "1e999999999"   | map: $.v: "1e999999999" is out of NUMERIC range
          NUMERIC    | NULLABLE | "1e99999999999" | map: $.v: "1e99999999999" is out of NUMERIC range
          BIGNUMERIC | NULLABLE | "-1e-99999999999" | map: $.v: "-1e-99999999999" is out of BIGNUMERIC range
          FLOAT64    | NULLABLE | "1e99999999999" | map: $.v: "1e99999999999" is out of FLOAT64 range
          BIGNUMERIC | NULLABLE | 1e999999999     | map: $.v: 1E+999999999 is out of BIGNUMERIC range
          BIGNUMERIC | REPEATED | [1e999999999]   | map: $.v[0]: 1E+999999999 is out of BIGNUMERIC range
          BIGNUMERIC | NULLABLE | 1e38            | 100000000000000000000000000000000000000m
          FLOAT64    | NULLABLE | 1e999999999     | map: $.v: 1E+999999999 is out of FLOAT64 range
          FLOAT64    | NULLABLE | "1e999999999"   | map: $.v: "1e999999999" is out of FLOAT64 range
          FLOAT64    | NULLABLE | 1e-999999999    | 0.0d
          STRING     | NULLABLE | 1e999999999     | map: $.v: 1E+999999999 is over 1000 characters as a STRING (a number goes in as its plain text; send the text as a JSON string)
          STRING     | NULLABLE | 1e-999999999    | map: $.v: 1E-999999999 is over 1000 characters as a STRING (a number goes in as its plain text; send the text as a JSON string)
          STRING     | NULLABLE | -1.5e3          | s:-1500
          JSON       | NULLABLE | 1e999999999     | map: $.v: 1E+999999999 is out of FLOAT64 range, the widest number of a JSON column
          JSON       | NULLABLE | {"a":[1e400]}   | map: $.v: 1E+400 is out of FLOAT64 range, the widest number of a JSON column
          JSON       | NULLABLE | {"a":[1e300]}   | json:{"a":[1E+300]}
          TIMESTAMP  | NULLABLE | 1e999999999     | map: $.v: 1E+999999999 is not a TIMESTAMP
          BOOL       | NULLABLE | 1e999999999     | map: $.v: 1E+999999999 is not a BOOL
          """)
  void aHugeOrTinyExponentIsARejectionNotAnException(
      String type, String mode, String json, String expected) {
    assertThat(mapOne(type, mode, json)).isEqualTo(expected);
  }

  @Test
  void aHugeExponentInANestedRecordIsARejectionNamingItsPath() {
    TableSchema schema =
        TableSchema.of(
            Field.struct(
                "quote",
                FieldMode.REPEATED,
                List.of(Field.of("size", FieldType.INT64, FieldMode.REQUIRED))));

    MappingResult result = map(schema, "{\"quote\":[{\"size\":1},{\"size\":1e999999999}]}");

    assertThat(CoercionCasesTest.render(result, FieldType.STRUCT))
        .isEqualTo("map: $.quote[1].size: 1E+999999999 is out of INT64 range");
  }

  @Test
  void aHugeExponentGatheredIntoTheKeepColumnIsARejection() {
    TableSchema schema =
        TableSchema.of(Field.of("a", FieldType.INT64), Field.of("_unknown_fields", FieldType.JSON));
    MappingResult result =
        JsonMessageMapper.create(
                schema, MappingConfig.typed().withUnknownFields(UnknownFields.KEEP), "sub", CLOCK)
            .map(Message.ofUtf8("id", "{\"a\":1,\"x\":{\"y\":-1e999}}", Instant.EPOCH));

    assertThat(CoercionCasesTest.render(result, FieldType.JSON))
        .isEqualTo("map: $.x: -1E+999 is out of FLOAT64 range, the widest number of a JSON column");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
          INT64   | map: $.v: "1111111111111111111111111111111111111111111111111111111111111111111111111111... is out of INT64 range
          NUMERIC | map: $.v: "1111111111111111111111111111111111111111111111111111111111111111111111111111... is a number of 100000 characters, over the limit of 1000
          FLOAT64 | map: $.v: "1111111111111111111111111111111111111111111111111111111111111111111111111111... is a number of 100000 characters, over the limit of 1000
          """)
  void aDigitStringLongerThanAnyNumberIsARejection(String type, String expected) {
    assertThat(mapOne(type, "NULLABLE", "\"" + "1".repeat(100_000) + "\"")).isEqualTo(expected);
  }

  @Test
  void leadingZerosDoNotMakeAnIntegerStringTooLong() {
    assertThat(mapOne("INT64", "NULLABLE", "\"" + "0".repeat(100_000) + "42\"")).isEqualTo("42L");
  }

  @Test
  void aJsonNumberLongerThanJacksonsLimitIsAParseRejectionNamingTheLimit() {
    assertThat(mapOne("NUMERIC", "NULLABLE", "1".repeat(1001)))
        .isEqualTo(
            "parse: JSON over a reading limit: Number value length (1001) exceeds the maximum"
                + " allowed (1000, from `StreamReadConstraints.getMaxNumberLength()`)");
  }

  @Test
  void anExponentBeyondWhatADecimalHoldsIsAParseRejection() {
    assertThat(mapOne("FLOAT64", "NULLABLE", "1e99999999999")).startsWith("parse: ");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
          {"v":"\\ud800"}         | parse: string holds a lone surrogate \\ud800 (half of a UTF-16 pair, no character) at line 1, column 6
          {"v":"\\udc00"}         | parse: string holds a lone surrogate \\udc00 (half of a UTF-16 pair, no character) at line 1, column 6
          {"v":"a\\ud800b"}       | parse: string holds a lone surrogate \\ud800 (half of a UTF-16 pair, no character) at line 1, column 6
          {"v":"\\ud800\\ud800"}  | parse: string holds a lone surrogate \\ud800 (half of a UTF-16 pair, no character) at line 1, column 6
          {"v":"\\ude00\\ud83d"}  | parse: string holds a lone surrogate \\ude00 (half of a UTF-16 pair, no character) at line 1, column 6
          {"v":"ok","\\ud800":1}  | parse: malformed JSON: Broken surrogate pair in field name: expected '\\' to start low surrogate, got 0x22 at line 1, column 18
          {"w":["x","\\udbff"]}   | parse: string holds a lone surrogate \\udbff (half of a UTF-16 pair, no character) at line 1, column 11
          """)
  void anEscapedLoneSurrogateIsADeadLetterNotAQuestionMark(String payload, String expected) {
    TableSchema schema =
        TableSchema.of(
            Field.of("v", FieldType.STRING), Field.of("w", FieldType.STRING, FieldMode.REPEATED));

    assertThat(CoercionCasesTest.render(map(schema, payload), FieldType.STRING))
        .isEqualTo(expected);
  }

  @Test
  void aLoneSurrogateInAnAttributeIsADeadLetterNotAQuestionMark() {
    TableSchema schema =
        TableSchema.of(Field.of("seq", FieldType.STRING), Field.of("attrs", FieldType.JSON));
    MappingConfig config =
        MappingConfig.typed()
            .withColumn("seq", ColumnSource.parse("attribute:seq"))
            .withColumn("attrs", ColumnSource.parse("metadata:attributes"));
    JsonMessageMapper mapper = JsonMessageMapper.create(schema, config, "sub", CLOCK);

    MappingResult fromValue =
        mapper.map(
            new Message(
                "id",
                "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("seq", "7\uD800"),
                Instant.EPOCH,
                "",
                0));
    MappingResult fromKey =
        mapper.map(
            new Message(
                "id",
                "{}".getBytes(StandardCharsets.UTF_8),
                Map.of("k\uDC00", "v"),
                Instant.EPOCH,
                "",
                0));

    assertThat(CoercionCasesTest.render(fromValue, FieldType.STRING))
        .isEqualTo(
            "map: attribute:seq: holds a lone surrogate \\ud800 (half of a UTF-16 pair, no"
                + " character)");
    assertThat(CoercionCasesTest.render(fromKey, FieldType.STRING))
        .isEqualTo(
            "map: metadata:attributes: an attribute name holds a lone surrogate \\udc00 (half of"
                + " a UTF-16 pair, no character)");
  }

  @Test
  void anEscapedSurrogatePairIsOneCharacter() {
    TableSchema schema = TableSchema.of(Field.of("v", FieldType.STRING));

    MappingResult result = map(schema, "{\"v\":\"\\ud83d\\ude00\"}");

    Row row = ((MappingResult.Mapped) result).rows().get(0);
    assertThat(row.get("v")).isEqualTo("\uD83D\uDE00");
  }
}

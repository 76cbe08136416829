package io.dcp.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Timeout(60)
class SchemaInferenceTest {

  private static SchemaInference.Inferred infer(String ndjson) throws Exception {
    return new SchemaInference()
        .addNdjson(new ByteArrayInputStream(ndjson.getBytes(StandardCharsets.UTF_8)))
        .result();
  }

  @Test
  void infersTypesWideningIntegersAndRecognisingTimes() throws Exception {
    SchemaInference.Inferred inferred =
        infer(
            """
            {"symbol":"AAPL","bid":189,"size":3,"ts":"2026-11-24T10:00:00Z","day":"2026-11-24","ok":true}
            {"symbol":"MSFT","bid":401.5,"size":null,"ts":"2026-11-24 10:00:01.5+01:00","day":"2026-11-25"}
            """);

    assertThat(inferred.schema())
        .isEqualTo(
            TableSchema.of(
                Field.of("symbol", FieldType.STRING),
                Field.of("bid", FieldType.FLOAT64),
                Field.of("size", FieldType.INT64),
                Field.of("ts", FieldType.TIMESTAMP),
                Field.of("day", FieldType.DATE),
                Field.of("ok", FieldType.BOOL)));
    assertThat(inferred.notes()).isEmpty();
  }

  @Test
  void recognisesTheTimestampFormsTheMapperTakes() throws Exception {
    assertThat(infer("{\"t\":\"2018/08/19 12:11\"}\n{\"t\":\"2018-08-19T12:11Z\"}").schema())
        .isEqualTo(TableSchema.of(Field.of("t", FieldType.TIMESTAMP)));
    assertThat(infer("{\"t\":\"2018/08-19 12:11\"}").schema())
        .isEqualTo(TableSchema.of(Field.of("t", FieldType.STRING)));
  }

  @Test
  void keepsStringWhenNotEverySampleIsATime() throws Exception {
    assertThat(infer("{\"t\":\"2026-11-24T10:00:00Z\"}\n{\"t\":\"soon\"}").schema())
        .isEqualTo(TableSchema.of(Field.of("t", FieldType.STRING)));
  }

  @Test
  void mergesRecordsAndArraysOfRecordsAcrossSamples() throws Exception {
    SchemaInference.Inferred inferred =
        infer(
            """
            {"venue":{"id":1},"legs":[{"px":1}],"tags":["a"]}
            {"venue":{"name":"X"},"legs":[{"px":1.5,"qty":2}],"tags":[]}
            """);

    assertThat(inferred.schema())
        .isEqualTo(
            TableSchema.of(
                Field.struct(
                    "venue",
                    FieldMode.NULLABLE,
                    List.of(Field.of("id", FieldType.INT64), Field.of("name", FieldType.STRING))),
                Field.struct(
                    "legs",
                    FieldMode.REPEATED,
                    List.of(Field.of("px", FieldType.FLOAT64), Field.of("qty", FieldType.INT64))),
                Field.of("tags", FieldType.STRING, FieldMode.REPEATED)));
  }

  @Test
  void fallsBackToJsonOrStringOnConflictsAndSaysWhy() throws Exception {
    SchemaInference.Inferred inferred =
        infer(
            """
            {"a":"x","b":{"k":1},"c":[[1,2]],"bad-name":1}
            {"a":5,"b":"text"}
            not json
            [1,2]
            """);

    assertThat(inferred.schema())
        .isEqualTo(
            TableSchema.of(
                Field.of("a", FieldType.STRING),
                Field.of("b", FieldType.JSON),
                Field.of("c", FieldType.JSON)));
    assertThat(inferred.notes())
        .containsExactly(
            "line 3 is not valid JSON: skipped",
            "sample 4 is not a JSON object: skipped",
            "a: values of different types seen; typed as STRING",
            "b: both objects and single values seen; typed as JSON",
            "c: arrays of arrays seen; BigQuery cannot hold that as a column, so it is JSON",
            "bad-name: not a valid BigQuery column name, left out; map it to a column with a JSON"
                + " Pointer (mapping.columns.NAME: /bad-name)");
  }

  @Test
  void namesDifferingOnlyInCaseAreOneColumnWithANote() throws Exception {
    SchemaInference.Inferred inferred =
        infer("{\"name\":\"a\",\"venue\":{\"Id\":1}}\n{\"Name\":\"b\",\"venue\":{\"id\":2}}");

    assertThat(inferred.schema())
        .isEqualTo(
            TableSchema.of(
                Field.of("name", FieldType.STRING),
                Field.struct(
                    "venue", FieldMode.NULLABLE, List.of(Field.of("Id", FieldType.INT64)))));
    assertThat(inferred.notes())
        .containsExactly(
            "name: seen as name, Name; BigQuery's column names are case-insensitive, so they are"
                + " one column",
            "venue.Id: seen as Id, id; BigQuery's column names are case-insensitive, so they are"
                + " one column");
    assertThat(SchemaValidator.validate(inferred.schema())).isEmpty();
  }

  @Test
  void namesBigQueryRefusesAreLeftOutNotEmitted() throws Exception {
    SchemaInference.Inferred inferred =
        infer("{\"1bad-name\":1,\"ok\":2,\"_TABLE_x\":3,\"rec\":{\"a b\":1}}");

    assertThat(inferred.schema())
        .isEqualTo(
            TableSchema.of(Field.of("ok", FieldType.INT64), Field.of("rec", FieldType.JSON)));
    assertThat(inferred.notes())
        .containsExactly(
            "1bad-name: not a valid BigQuery column name, left out; map it to a column with a JSON"
                + " Pointer (mapping.columns.NAME: /1bad-name)",
            "_TABLE_x: not a valid BigQuery column name, left out; map it to a column with a JSON"
                + " Pointer (mapping.columns.NAME: /_TABLE_x)",
            "rec.a b: not a valid BigQuery column name, left out; map it to a column with a JSON"
                + " Pointer (mapping.columns.NAME: /a b)",
            "rec: no sub-field is a valid column name; typed as JSON");
  }

  @Test
  void integersBeyondInt64AreNumericBignumericOrFloatNotInteger() throws Exception {
    SchemaInference.Inferred inferred =
        infer(
            """
            {"n":9223372036854775808,"b":123456789012345678901234567890,"f":1%s,"i":-9223372036854775808}
            {"n":1}
            """
                .formatted("0".repeat(40)));

    assertThat(inferred.schema())
        .isEqualTo(
            TableSchema.of(
                Field.of("n", FieldType.NUMERIC),
                Field.of("b", FieldType.BIGNUMERIC),
                Field.of("f", FieldType.FLOAT64),
                Field.of("i", FieldType.INT64)));
    assertThat(inferred.notes())
        .containsExactly(
            "n: integers beyond INT64 seen; typed as NUMERIC (exact)",
            "b: integers beyond INT64 seen; typed as BIGNUMERIC (exact)",
            "f: integers beyond INT64 seen; typed as FLOAT64 (beyond BIGNUMERIC too: digits past"
                + " 17 are rounded)");
  }

  @Test
  void arraysWithNullElementsAreJsonNotRepeated() throws Exception {
    SchemaInference.Inferred inferred = infer("{\"a\":[1,null],\"b\":[1,2]}");

    assertThat(inferred.schema())
        .isEqualTo(
            TableSchema.of(
                Field.of("a", FieldType.JSON), Field.of("b", FieldType.INT64, FieldMode.REPEATED)));
    assertThat(inferred.notes())
        .containsExactly(
            "a: arrays with null elements seen; a REPEATED column refuses a null element, so it"
                + " is JSON, which keeps them");
  }

  @Test
  void emptyOrJunkInputGivesNoColumns() throws Exception {
    assertThat(infer("").schema().fields()).isEmpty();
    SchemaInference.Inferred junk = infer("not json\n[1]\n{}\n");
    assertThat(junk.schema().fields()).isEmpty();
    assertThat(junk.notes())
        .containsExactly(
            "line 1 is not valid JSON: skipped", "sample 2 is not a JSON object: skipped");
  }

  @Test
  void recordsDeeperThanBigQueryAllowsBecomeJson() throws Exception {
    String deep = "{\"a\":".repeat(20) + "1" + "}".repeat(20);

    SchemaInference.Inferred inferred = infer(deep);

    assertThat(SchemaValidator.validate(inferred.schema())).isEmpty();
    assertThat(inferred.notes())
        .containsExactly(
            "a.a.a.a.a.a.a.a.a.a.a.a.a.a.a: RECORD nested deeper than BigQuery's 15 levels; typed"
                + " as JSON");
  }
}

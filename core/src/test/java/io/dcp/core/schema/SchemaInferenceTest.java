package io.dcp.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaInferenceTest {

  private static SchemaInference.Inferred infer(String ndjson) throws Exception {
    return new SchemaInference().addNdjson(new BufferedReader(new StringReader(ndjson))).result();
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
                Field.of("c", FieldType.JSON),
                Field.of("bad-name", FieldType.INT64)));
    assertThat(inferred.notes())
        .containsExactly(
            "line 3 is not valid JSON: skipped",
            "sample 4 is not a JSON object: skipped",
            "a: values of different types seen; typed as STRING",
            "b: both objects and single values seen; typed as JSON",
            "c: arrays of arrays seen; BigQuery cannot hold that as a column, so it is JSON",
            "bad-name: not a valid BigQuery column name; rename it or map it with a JSON Pointer");
  }
}

package io.dcp.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The typed mapper read straight from tokens, with no tree: a parse error anywhere still wins over
 * a value refused before it, and floats bound for FLOAT64 are judged as the exact decimal was.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenRowsTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T00:00:00Z"), ZoneOffset.UTC);
  private static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("i", FieldType.INT64),
          Field.of("f", FieldType.FLOAT64),
          Field.of("fs", FieldType.FLOAT64, FieldMode.REPEATED),
          Field.of("n", FieldType.NUMERIC),
          Field.struct("r", FieldMode.NULLABLE, List.of(Field.of("f", FieldType.FLOAT64))));

  private final JsonMessageMapper mapper =
      JsonMessageMapper.create(SCHEMA, MappingConfig.typed(), "sub", CLOCK);

  /** The dead letter's text, checked to be the one the tree path gives. */
  private String reason(String payload) {
    Message message = Message.ofUtf8("m", payload, Instant.EPOCH);
    MappingResult result = mapper.map(message);
    MappingResult fromTree = mapper.readingTrees().map(message);
    assertThat(result).isInstanceOf(MappingResult.Rejected.class);
    assertThat(fromTree).isInstanceOf(MappingResult.Rejected.class);
    String reason = ((MappingResult.Rejected) result).deadLetter().errorMessage();
    assertThat(reason).isEqualTo(((MappingResult.Rejected) fromTree).deadLetter().errorMessage());
    return reason;
  }

  private Row row(String payload) {
    MappingResult result = mapper.map(Message.ofUtf8("m", payload, Instant.EPOCH));
    assertThat(result).isInstanceOf(MappingResult.Mapped.class);
    return ((MappingResult.Mapped) result).rows().get(0);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"i":"x","n":1,"n":2}          | parse: malformed JSON: Duplicate field 'n' at line 1, column 19
          {"i":"x","z":"\\udc00"}        | parse: string holds a lone surrogate \\udc00 (half of a UTF-16 pair, no character) at line 1, column 14
          {"r":{"f":"x"},"z":1e99999999999} | parse: unreadable JSON: Value "1e99999999999" can not be deserialized as `java.math.BigDecimal`, reason:  Too many nonzero exponent digits.
          {"i":"x"} {}                   | parse: malformed JSON: trailing content after the top-level value at line 1, column 11
          {"fs":[1.5,null],"i":[          | parse: malformed JSON: Unexpected end-of-input: expected close marker for Array at line 1, column 23
          """)
  void aParseErrorAfterARefusedValueIsTheDeadLetter(String payload, String expected) {
    assertThat(reason(payload)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          {"f":1e999999999}     | map: $.f: 1E+999999999 is out of FLOAT64 range
          {"f":1e400}           | map: $.f: 1E+400 is out of FLOAT64 range
          {"fs":[1,1.5,2e400]}  | map: $.fs[2]: 2E+400 is out of FLOAT64 range
          {"r":{"f":{"a":1}}}   | map: $.r.f: {"a":1} is not a FLOAT64
          {"i":1e999999999}     | map: $.i: 1E+999999999 is out of INT64 range
          {"i":1.5}             | map: $.i: 1.5 is not an INT64 (it has a fraction)
          """)
  void refusesAsTheTreeDid(String payload, String expected) {
    assertThat(reason(payload)).isEqualTo(expected);
  }

  @Test
  void keepsNegativeZeroAndExactDecimals() {
    Row row = row("{\"f\":-0.0,\"fs\":[-0e3,0.1],\"n\":0.10,\"i\":1.0e2,\"z\":[1e999999999]}");

    assertThat(row.get("f")).isEqualTo(-0.0d);
    assertThat(row.get("fs")).isEqualTo(List.of(-0.0d, 0.1d));
    assertThat(row.get("n")).isEqualTo(new BigDecimal("0.1"));
    assertThat(row.get("i")).isEqualTo(100L);
  }
}

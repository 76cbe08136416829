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
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One column {@code v} of each type and mode, one JSON value, and the exact Java value or the exact
 * dead-letter message. Expected values are written with a type tag: {@code 12L} (INT64), {@code
 * 1.5d} (FLOAT64), {@code 1.5m} (NUMERIC/BIGNUMERIC), {@code s:text} (STRING), {@code ts:}, {@code
 * date:}, {@code time:}, {@code dt:}, {@code b64:}, {@code json:}, and {@code NULL} for an absent
 * column. The edge cases follow BigQuery's JSON ingestion rules and the Storage Write client's
 * JsonToProtoMessage: numbers into STRING become their text, integral strings and integral floats
 * fill INT64, NaN/Infinity only as strings for FLOAT64, NUMERIC and BIGNUMERIC are never rounded,
 * TIMESTAMP numbers are epoch microseconds.
 */
class CoercionCasesTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T00:00:00Z"), ZoneOffset.UTC);

  @ParameterizedTest(name = "{0} {1} {2} -> {3}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
          STRING   | NULLABLE | "abc"                      | s:abc
          STRING   | NULLABLE | ""                         | s:
          STRING   | NULLABLE | "héllo ✓"                  | s:héllo ✓
          STRING   | NULLABLE | "caf\\u00e9"               | s:café
          STRING   | NULLABLE | 12                         | s:12
          STRING   | NULLABLE | -1.5                       | s:-1.5
          STRING   | NULLABLE | 1e2                        | s:100
          STRING   | NULLABLE | true                       | s:true
          STRING   | NULLABLE | null                       | NULL
          STRING   | NULLABLE | {"a":1}                    | map: $.v: {"a":1} is not a STRING
          STRING   | NULLABLE | [1]                        | map: $.v: [1] is not a STRING
          STRING   | REQUIRED | "x"                        | s:x
          STRING   | REQUIRED | null                       | map: $.v: missing required field
          STRING   | REPEATED | ["a","b"]                  | [s:a, s:b]
          STRING   | REPEATED | []                         | NULL
          STRING   | REPEATED | null                       | NULL
          STRING   | REPEATED | "a"                        | map: $.v: "a" is not an array (the column is REPEATED)
          STRING   | REPEATED | ["a",null]                 | map: $.v[1]: null element in a REPEATED field
          STRING   | REPEATED | ["a",{"b":1}]              | map: $.v[1]: {"b":1} is not a STRING
          INT64    | NULLABLE | 0                          | 0L
          INT64    | NULLABLE | -42                        | -42L
          INT64    | NULLABLE | 9223372036854775807        | 9223372036854775807L
          INT64    | NULLABLE | -9223372036854775808       | -9223372036854775808L
          INT64    | NULLABLE | 9223372036854775808        | map: $.v: 9223372036854775808 is out of INT64 range
          INT64    | NULLABLE | -9223372036854775809       | map: $.v: -9223372036854775809 is out of INT64 range
          INT64    | NULLABLE | 1.0                        | 1L
          INT64    | NULLABLE | 1e3                        | 1000L
          INT64    | NULLABLE | 1.5                        | map: $.v: 1.5 is not an INT64 (it has a fraction)
          INT64    | NULLABLE | 1e19                       | map: $.v: 1E+19 is out of INT64 range
          INT64    | NULLABLE | "123"                      | 123L
          INT64    | NULLABLE | "-7"                       | -7L
          INT64    | NULLABLE | "+7"                       | 7L
          INT64    | NULLABLE | "9223372036854775808"      | map: $.v: "9223372036854775808" is out of INT64 range
          INT64    | NULLABLE | "12.0"                     | map: $.v: "12.0" is not an INT64
          INT64    | NULLABLE | "1e3"                      | map: $.v: "1e3" is not an INT64
          INT64    | NULLABLE | "abc"                      | map: $.v: "abc" is not an INT64
          INT64    | NULLABLE | ""                         | map: $.v: "" is not an INT64
          INT64    | NULLABLE | " 1"                       | map: $.v: " 1" is not an INT64
          INT64    | NULLABLE | "0x10"                     | map: $.v: "0x10" is not an INT64
          INT64    | NULLABLE | true                       | map: $.v: true is not an INT64
          INT64    | NULLABLE | {}                         | map: $.v: {} is not a INT64
          INT64    | REPEATED | [1,"2",3.0]                | [1L, 2L, 3L]
          INT64    | REPEATED | [1,2.5]                    | map: $.v[1]: 2.5 is not an INT64 (it has a fraction)
          INT64    | REQUIRED | 5                          | 5L
          FLOAT64  | NULLABLE | 1.5                        | 1.5d
          FLOAT64  | NULLABLE | -2.0                       | -2.0d
          FLOAT64  | NULLABLE | 3                          | 3.0d
          FLOAT64  | NULLABLE | 1e308                      | 1.0E308d
          FLOAT64  | NULLABLE | 1e309                      | map: $.v: 1E+309 is out of FLOAT64 range
          FLOAT64  | NULLABLE | 4.9e-324                   | 4.9E-324d
          FLOAT64  | NULLABLE | 0.1                        | 0.1d
          FLOAT64  | NULLABLE | "2.5"                      | 2.5d
          FLOAT64  | NULLABLE | "-1e-3"                    | -0.001d
          FLOAT64  | NULLABLE | "NaN"                      | NaNd
          FLOAT64  | NULLABLE | "Infinity"                 | Infinityd
          FLOAT64  | NULLABLE | "-Infinity"                | -Infinityd
          FLOAT64  | NULLABLE | "12,5"                     | map: $.v: "12,5" is not a FLOAT64
          FLOAT64  | NULLABLE | "1f"                       | map: $.v: "1f" is not a FLOAT64
          FLOAT64  | NULLABLE | "0x1p3"                    | map: $.v: "0x1p3" is not a FLOAT64
          FLOAT64  | NULLABLE | "nan"                      | map: $.v: "nan" is not a FLOAT64
          FLOAT64  | NULLABLE | "1e999"                    | map: $.v: "1e999" is out of FLOAT64 range
          FLOAT64  | NULLABLE | false                      | map: $.v: false is not a FLOAT64
          FLOAT64  | NULLABLE | [1.5]                      | map: $.v: [1.5] is not a FLOAT64
          FLOAT64  | REPEATED | [1, 2.5, "3"]              | [1.0d, 2.5d, 3.0d]
          NUMERIC  | NULLABLE | 1.5                        | 1.5m
          NUMERIC  | NULLABLE | 10                         | 10m
          NUMERIC  | NULLABLE | 1.500                      | 1.5m
          NUMERIC  | NULLABLE | 1e2                        | 100m
          NUMERIC  | NULLABLE | 0.000000001                | 0.000000001m
          NUMERIC  | NULLABLE | 0.0000000001               | map: $.v: 1E-10 has more than 9 digits after the decimal point (NUMERIC does not round)
          NUMERIC  | NULLABLE | "0.1234567891"             | map: $.v: "0.1234567891" has more than 9 digits after the decimal point (NUMERIC does not round)
          NUMERIC  | NULLABLE | 99999999999999999999999999999.999999999 | 99999999999999999999999999999.999999999m
          NUMERIC  | NULLABLE | -99999999999999999999999999999.999999999 | -99999999999999999999999999999.999999999m
          NUMERIC  | NULLABLE | 100000000000000000000000000000 | map: $.v: 100000000000000000000000000000 is out of NUMERIC range
          NUMERIC  | NULLABLE | "123.456"                  | 123.456m
          NUMERIC  | NULLABLE | "-0.5"                     | -0.5m
          NUMERIC  | NULLABLE | "1e-9"                     | 0.000000001m
          NUMERIC  | NULLABLE | "abc"                      | map: $.v: "abc" is not a NUMERIC
          NUMERIC  | NULLABLE | "NaN"                      | map: $.v: "NaN" is not a NUMERIC
          NUMERIC  | NULLABLE | true                       | map: $.v: true is not a NUMERIC
          NUMERIC  | REPEATED | [1, "2.25"]                | [1m, 2.25m]
          BIGNUMERIC | NULLABLE | 1.12345678901234567890123456789012345678 | 1.12345678901234567890123456789012345678m
          BIGNUMERIC | NULLABLE | 1.123456789012345678901234567890123456789 | map: $.v: 1.123456789012345678901234567890123456789 has more than 38 digits after the decimal point (BIGNUMERIC does not round)
          BIGNUMERIC | NULLABLE | 578960446186580977117854925043439539266 | 578960446186580977117854925043439539266m
          BIGNUMERIC | NULLABLE | 578960446186580977117854925043439539267 | map: $.v: 578960446186580977117854925043439539267 is out of BIGNUMERIC range
          BIGNUMERIC | NULLABLE | -578960446186580977117854925043439539266.34992332820282019728792003956564819968 | -578960446186580977117854925043439539266.34992332820282019728792003956564819968m
          BIGNUMERIC | NULLABLE | "12345678901234567890123456789012345678.5" | 12345678901234567890123456789012345678.5m
          BIGNUMERIC | NULLABLE | "x"                      | map: $.v: "x" is not a BIGNUMERIC
          BOOL     | NULLABLE | true                       | true
          BOOL     | NULLABLE | false                      | false
          BOOL     | NULLABLE | "true"                     | true
          BOOL     | NULLABLE | "FALSE"                    | false
          BOOL     | NULLABLE | "True"                     | true
          BOOL     | NULLABLE | 1                          | map: $.v: 1 is not a BOOL
          BOOL     | NULLABLE | 0                          | map: $.v: 0 is not a BOOL
          BOOL     | NULLABLE | "truthy"                   | map: $.v: "truthy" is not a BOOL
          BOOL     | NULLABLE | "on"                       | map: $.v: "on" is not a BOOL
          BOOL     | NULLABLE | " true"                    | map: $.v: " true" is not a BOOL
          BOOL     | NULLABLE | ""                         | map: $.v: "" is not a BOOL
          BOOL     | REPEATED | [true,"false"]             | [true, false]
          TIMESTAMP | NULLABLE | "2026-11-24T10:15:30Z"    | ts:2026-11-24T10:15:30Z
          TIMESTAMP | NULLABLE | "2026-11-24T10:15:30.123456Z" | ts:2026-11-24T10:15:30.123456Z
          TIMESTAMP | NULLABLE | "2026-11-24T10:15:30.1Z"  | ts:2026-11-24T10:15:30.100Z
          TIMESTAMP | NULLABLE | "2026-11-24T10:15:30+02:00" | ts:2026-11-24T08:15:30Z
          TIMESTAMP | NULLABLE | "2026-11-24T10:15:30-05:30" | ts:2026-11-24T15:45:30Z
          TIMESTAMP | NULLABLE | "2026-11-24 10:15:30"     | ts:2026-11-24T10:15:30Z
          TIMESTAMP | NULLABLE | "2026-11-24 10:15:30.5 UTC" | ts:2026-11-24T10:15:30.500Z
          TIMESTAMP | NULLABLE | "2026-11-24 10:15:30 +01:00" | ts:2026-11-24T09:15:30Z
          TIMESTAMP | NULLABLE | "2026-11-24 10:15:30+0100" | ts:2026-11-24T09:15:30Z
          TIMESTAMP | NULLABLE | "2026-11-24 10:15:30-07"  | ts:2026-11-24T17:15:30Z
          TIMESTAMP | NULLABLE | "2026-11-24t10:15:30z"    | ts:2026-11-24T10:15:30Z
          TIMESTAMP | NULLABLE | "0001-01-01T00:00:00Z"    | ts:0001-01-01T00:00:00Z
          TIMESTAMP | NULLABLE | "9999-12-31T23:59:59.999999Z" | ts:9999-12-31T23:59:59.999999Z
          TIMESTAMP | NULLABLE | "2026-11-24T10:15:30.1234567Z" | map: $.v: "2026-11-24T10:15:30.1234567Z" has more than 6 fractional digits (microseconds)
          TIMESTAMP | NULLABLE | "2026-11-24"              | map: $.v: "2026-11-24" is not a TIMESTAMP (expected YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][zone])
          TIMESTAMP | NULLABLE | "2026-13-01T00:00:00Z"    | map: $.v: "2026-13-01T00:00:00Z" is not a valid date (Invalid value for MonthOfYear (valid values 1 - 12): 13)
          TIMESTAMP | NULLABLE | "2026-02-30T00:00:00Z"    | map: $.v: "2026-02-30T00:00:00Z" is not a valid date (Invalid date 'FEBRUARY 30')
          TIMESTAMP | NULLABLE | "2026-11-24T25:00:00Z"    | map: $.v: "2026-11-24T25:00:00Z" is not a valid time of day
          TIMESTAMP | NULLABLE | "2026-11-24T10:15:30 PST" | map: $.v: "2026-11-24T10:15:30 PST" is not a TIMESTAMP (expected YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][zone])
          TIMESTAMP | NULLABLE | "yesterday"               | map: $.v: "yesterday" is not a TIMESTAMP (expected YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][zone])
          TIMESTAMP | NULLABLE | "0000-12-31T00:00:00Z"    | map: $.v: "0000-12-31T00:00:00Z" is before 0001-01-01
          TIMESTAMP | NULLABLE | "0001-01-01T00:00:00+01:00" | map: $.v: "0001-01-01T00:00:00+01:00" is out of TIMESTAMP range (0001-01-01 to 9999-12-31)
          TIMESTAMP | NULLABLE | 1764000000123456          | ts:2025-11-24T16:00:00.123456Z
          TIMESTAMP | NULLABLE | 0                         | ts:1970-01-01T00:00:00Z
          TIMESTAMP | NULLABLE | -1                        | ts:1969-12-31T23:59:59.999999Z
          TIMESTAMP | NULLABLE | 1.5                       | map: $.v: 1.5 is not a TIMESTAMP
          TIMESTAMP | NULLABLE | 253402300800000000        | map: $.v: 253402300800000000 is out of TIMESTAMP range (0001-01-01 to 9999-12-31)
          TIMESTAMP | NULLABLE | true                      | map: $.v: true is not a TIMESTAMP
          TIMESTAMP | REQUIRED | null                      | map: $.v: missing required field
          TIMESTAMP | REPEATED | ["2026-01-01 00:00:00", 0] | [ts:2026-01-01T00:00:00Z, ts:1970-01-01T00:00:00Z]
          DATE     | NULLABLE | "2026-11-24"               | date:2026-11-24
          DATE     | NULLABLE | "0001-01-01"               | date:0001-01-01
          DATE     | NULLABLE | "9999-12-31"               | date:9999-12-31
          DATE     | NULLABLE | "2024-02-29"               | date:2024-02-29
          DATE     | NULLABLE | "2023-02-29"               | map: $.v: "2023-02-29" is not a valid date (Invalid date 'February 29' as '2023' is not a leap year)
          DATE     | NULLABLE | "2026-11-24T00:00:00"      | map: $.v: "2026-11-24T00:00:00" is not a DATE (expected YYYY-MM-DD)
          DATE     | NULLABLE | "2026/11/24"               | map: $.v: "2026/11/24" is not a DATE (expected YYYY-MM-DD)
          DATE     | NULLABLE | "26-11-24"                 | map: $.v: "26-11-24" is not a DATE (expected YYYY-MM-DD)
          DATE     | NULLABLE | 20261124                   | map: $.v: 20261124 is not a DATE
          TIME     | NULLABLE | "10:15:30"                 | time:10:15:30
          TIME     | NULLABLE | "23:59:59.999999"          | time:23:59:59.999999
          TIME     | NULLABLE | "00:00:00.5"               | time:00:00:00.500
          TIME     | NULLABLE | "24:00:00"                 | map: $.v: "24:00:00" is not a valid time of day
          TIME     | NULLABLE | "10:15"                    | map: $.v: "10:15" is not a TIME (expected HH:MM:SS[.ffffff])
          TIME     | NULLABLE | "10:15:30.1234567"         | map: $.v: "10:15:30.1234567" has more than 6 fractional digits (microseconds)
          TIME     | NULLABLE | "10:15:30Z"                | map: $.v: "10:15:30Z" is not a TIME (expected HH:MM:SS[.ffffff])
          DATETIME | NULLABLE | "2026-11-24T10:15:30"      | dt:2026-11-24T10:15:30
          DATETIME | NULLABLE | "2026-11-24 10:15:30.000001" | dt:2026-11-24T10:15:30.000001
          DATETIME | NULLABLE | "2026-11-24T10:15:30Z"     | map: $.v: "2026-11-24T10:15:30Z" has a time zone or trailing text; DATETIME is civil time
          DATETIME | NULLABLE | "2026-11-24"               | map: $.v: "2026-11-24" is not a DATETIME (expected YYYY-MM-DD[T| ]HH:MM:SS[.ffffff])
          DATETIME | NULLABLE | 5                          | map: $.v: 5 is not a DATETIME
          BYTES    | NULLABLE | "AP8H"                     | b64:AP8H
          BYTES    | NULLABLE | ""                         | b64:
          BYTES    | NULLABLE | "aGVsbG8="                 | b64:aGVsbG8=
          BYTES    | NULLABLE | "not base64!"              | map: $.v: "not base64!" is not valid base64 for BYTES
          BYTES    | NULLABLE | "aGVsbG8"                  | b64:aGVsbG8=
          BYTES    | NULLABLE | 12                         | map: $.v: 12 is not BYTES (a base64 string)
          BYTES    | REPEATED | ["AA==","AQ=="]            | [b64:AA==, b64:AQ==]
          JSON     | NULLABLE | {"a": [1, {"b": null}]}    | json:{"a":[1,{"b":null}]}
          JSON     | NULLABLE | [1,"x"]                    | json:[1,"x"]
          JSON     | NULLABLE | "text"                     | json:"text"
          JSON     | NULLABLE | 1.50                       | json:1.50
          JSON     | NULLABLE | false                      | json:false
          JSON     | NULLABLE | null                       | NULL
          JSON     | REPEATED | [{"a":1},2]                | [json:{"a":1}, json:2]
          GEOGRAPHY | NULLABLE | "POINT(-122.35 47.62)"    | s:POINT(-122.35 47.62)
          GEOGRAPHY | NULLABLE | {"type":"Point","coordinates":[1,2]} | s:{"type":"Point","coordinates":[1,2]}
          GEOGRAPHY | NULLABLE | 5                         | map: $.v: 5 is not a GEOGRAPHY (WKT text or a GeoJSON object)
          """)
  void coercesLikeBigQuery(String type, String mode, String json, String expected) {
    FieldType fieldType = FieldType.parse(type).orElseThrow();
    TableSchema schema = TableSchema.of(Field.of("v", fieldType, FieldMode.valueOf(mode)));
    JsonMessageMapper mapper =
        JsonMessageMapper.create(schema, MappingConfig.typed(), "sub", CLOCK);

    MappingResult result = mapper.map(Message.ofUtf8("id", "{\"v\": " + json + "}", Instant.EPOCH));

    assertThat(render(result, fieldType)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiterString = " | ",
      quoteCharacter = '`',
      textBlock =
          """
          BOOL      | "true"               | true
          BOOL      | "T"                  | true
          BOOL      | "f"                  | false
          BOOL      | "yes"                | true
          BOOL      | "No"                 | false
          BOOL      | "Y"                  | true
          BOOL      | "n"                  | false
          BOOL      | "1"                  | true
          BOOL      | "0"                  | false
          BOOL      | "YES"                | true
          TIMESTAMP | "2018-08-19T12:11"   | ts:2018-08-19T12:11:00Z
          TIMESTAMP | "2018-08-19 12:11"   | ts:2018-08-19T12:11:00Z
          TIMESTAMP | "2018/08/19 12:11"   | ts:2018-08-19T12:11:00Z
          TIMESTAMP | "2018/08/19 12:11:35.22" | ts:2018-08-19T12:11:35.220Z
          TIMESTAMP | "2018/08/19T12:11Z"  | ts:2018-08-19T12:11:00Z
          TIMESTAMP | "2018-08-19 12:11 -05:00" | ts:2018-08-19T17:11:00Z
          TIMESTAMP | "2018/08-19 12:11"   | map: $.v: "2018/08-19 12:11" is not a TIMESTAMP (expected YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][zone])
          TIMESTAMP | "2018-08-19 12:11.5" | map: $.v: "2018-08-19 12:11.5" is not a TIMESTAMP (expected YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][zone])
          TIMESTAMP | "2018-08-19 12:60"   | map: $.v: "2018-08-19 12:60" is not a valid time of day
          TIMESTAMP | "2018-08-19 12"      | map: $.v: "2018-08-19 12" is not a TIMESTAMP (expected YYYY-MM-DD[T| ]HH:MM[:SS[.ffffff]][zone])
          DATETIME  | "2018-08-19T12:11"   | map: $.v: "2018-08-19T12:11" is not a DATETIME (expected YYYY-MM-DD[T| ]HH:MM:SS[.ffffff])
          FLOAT64   | -0.0                 | -0.0d
          FLOAT64   | -0e5                 | -0.0d
          FLOAT64   | 0.0                  | 0.0d
          FLOAT64   | -0                   | 0.0d
          STRING    | -0.0                 | s:-0.0
          NUMERIC   | -0.0                 | 0m
          INT64     | -0.0                 | 0L
          JSON      | -0.0                 | json:-0.0
          """)
  void acceptsBigQuerysDocumentedBoolPairsTimestampFormsAndNegativeZero(
      String type, String json, String expected) {
    FieldType fieldType = FieldType.parse(type).orElseThrow();
    TableSchema schema = TableSchema.of(Field.of("v", fieldType));
    JsonMessageMapper mapper =
        JsonMessageMapper.create(schema, MappingConfig.typed(), "sub", CLOCK);

    MappingResult result = mapper.map(Message.ofUtf8("id", "{\"v\": " + json + "}", Instant.EPOCH));

    assertThat(render(result, fieldType)).isEqualTo(expected);
  }

  static String render(MappingResult result, FieldType type) {
    if (result instanceof MappingResult.Rejected r) {
      return r.deadLetter().errorMessage();
    }
    List<Row> rows = ((MappingResult.Mapped) result).rows();
    assertThat(rows).hasSize(1);
    return render(rows.get(0).get("v"), type);
  }

  static String render(Object value, FieldType type) {
    if (value == null) {
      return "NULL";
    }
    if (value instanceof Long l) {
      return l + "L";
    }
    if (value instanceof Double d) {
      return d + "d";
    }
    if (value instanceof BigDecimal b) {
      return b.toPlainString() + "m";
    }
    if (value instanceof Instant i) {
      return "ts:" + i;
    }
    if (value instanceof LocalDate d) {
      return "date:" + d;
    }
    if (value instanceof LocalTime t) {
      return "time:" + t;
    }
    if (value instanceof LocalDateTime t) {
      return "dt:" + t;
    }
    if (value instanceof List<?> list) {
      return list.stream().map(v -> render(v, type)).collect(Collectors.joining(", ", "[", "]"));
    }
    if (value instanceof String s) {
      return (type == FieldType.JSON ? "json:" : "s:") + s;
    }
    return String.valueOf(value);
  }
}

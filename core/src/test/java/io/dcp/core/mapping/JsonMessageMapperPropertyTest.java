package io.dcp.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * {@code map()} answers every payload with rows or a dead letter, never an exception: generated
 * payloads put huge and tiny exponents, long digit strings, deep nesting, lone surrogates and
 * values of every JSON kind into columns of every type and mode, under every unknown-field policy.
 *
 * <p>jqwik runs these properties (JUnit Jupiter's {@code @Timeout} does not apply to its engine);
 * the bounded tries and payload sizes keep the class to a few seconds.
 */
class JsonMessageMapperPropertyTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-24T00:00:00Z"), ZoneOffset.UTC);
  private static final TableSchema SCHEMA = schemaOfEveryType();
  private static final List<String> COLUMNS = columnNames();

  @Property(tries = 2000, edgeCases = EdgeCasesMode.NONE)
  void everyHostilePayloadMapsToRowsOrADeadLetter(
      @ForAll("payloads") String payload, @ForAll("configs") MappingConfig config) {
    MappingResult result =
        JsonMessageMapper.create(SCHEMA, config, "sub", CLOCK)
            .map(
                new Message(
                    "id",
                    payload.getBytes(StandardCharsets.UTF_8),
                    java.util.Map.of(),
                    Instant.EPOCH,
                    "",
                    1));

    if (result instanceof MappingResult.Rejected rejected) {
      assertThat(rejected.deadLetter().errorMessage()).matches("(?s)(decode|parse|map): .+");
      Statistics.collect(rejected.deadLetter().stage());
    } else {
      assertThat(result).isInstanceOf(MappingResult.Mapped.class);
      Statistics.collect("rows");
    }
  }

  @Property(tries = 500, edgeCases = EdgeCasesMode.NONE)
  void everyHostilePayloadMapsToRowsOrADeadLetterWhenReportingNewColumns(
      @ForAll("payloads") String payload) {
    MappingResult result =
        JsonMessageMapper.create(SCHEMA, MappingConfig.typed(), "sub", CLOCK)
            .reportingNewColumns()
            .map(Message.ofUtf8("id", payload, Instant.EPOCH));

    assertThat(result).isNotNull();
    if (result instanceof MappingResult.Rejected rejected) {
      assertThat(rejected.deadLetter().errorMessage()).matches("(?s)(decode|parse|map): .+");
    }
  }

  @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
  void readingTokensAnswersExactlyAsReadingTheTree(
      @ForAll("damagedPayloads") String payload, @ForAll("configs") MappingConfig config) {
    JsonMessageMapper tokens = JsonMessageMapper.create(SCHEMA, config, "sub", CLOCK);
    Message message = Message.ofUtf8("id", payload, Instant.EPOCH);

    assertThat(outcome(tokens.map(message))).isEqualTo(outcome(tokens.readingTrees().map(message)));
    assertThat(outcome(tokens.reportingNewColumns().map(message)))
        .isEqualTo(outcome(tokens.readingTrees().reportingNewColumns().map(message)));
  }

  /** Payloads, some with a parse error after the values: a duplicate key, a cut, trailing text. */
  @Provide
  Arbitrary<String> damagedPayloads() {
    return Arbitraries.frequencyOf(
        Tuple.of(4, payloads()),
        Tuple.of(1, payloads().map(p -> p.startsWith("{") ? p + " {}" : p)),
        Tuple.of(1, payloads().map(p -> p.substring(0, p.length() / 2))),
        Tuple.of(
            1,
            payloads()
                .map(
                    p ->
                        p.startsWith("{") && p.length() > 2
                            ? p.substring(0, p.length() - 1) + ",\"int64\":1,\"int64\":2}"
                            : p)),
        Tuple.of(
            1,
            payloads()
                .map(
                    p ->
                        p.startsWith("{") && p.length() > 2
                            ? p.substring(0, p.length() - 1) + ",\"unknown\":\"\\udc00\"}"
                            : p)));
  }

  /** What a result says: the rows, the new columns, or the dead letter's stage and reason. */
  private static Object outcome(MappingResult result) {
    if (result instanceof MappingResult.Rejected rejected) {
      DeadLetter letter = rejected.deadLetter();
      return letter.stage() + " " + letter.fieldPath() + " " + letter.reason();
    }
    if (result instanceof MappingResult.NewColumns added) {
      return added.columns();
    }
    return ((MappingResult.Mapped) result).rows();
  }

  @Provide
  Arbitrary<MappingConfig> configs() {
    return Arbitraries.of(
        MappingConfig.typed(),
        MappingConfig.typed().withUnknownFields(UnknownFields.REJECT),
        MappingConfig.typed().withUnknownFields(UnknownFields.KEEP).withKeepColumn("keep"),
        MappingConfig.typed().withExplodeArrays(true),
        MappingConfig.typed().withMaxDepth(8));
  }

  @Provide
  Arbitrary<String> payloads() {
    Arbitrary<String> field =
        Combinators.combine(Arbitraries.of(COLUMNS), value(3))
            .as((name, value) -> "\"" + name + "\":" + value);
    Arbitrary<String> object =
        field.list().ofMinSize(1).ofMaxSize(3).map(f -> "{" + String.join(",", f) + "}");
    return Arbitraries.frequencyOf(
        Tuple.of(8, object),
        Tuple.of(1, object.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]")),
        Tuple.of(1, deep()));
  }

  /** Any JSON value, hostile ones weighted in, nested up to {@code depth}. */
  private static Arbitrary<String> value(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.frequencyOf(
            Tuple.of(3, hostileNumber()),
            Tuple.of(1, hostileNumber().map(n -> "\"" + n + "\"")),
            Tuple.of(1, longDigits()),
            Tuple.of(1, longDigits().map(n -> "\"" + n + "\"")),
            Tuple.of(1, surrogates()),
            Tuple.of(
                2,
                Arbitraries.strings()
                    .all()
                    .ofMaxLength(20)
                    .map(JsonMessageMapperPropertyTest::quote)),
            Tuple.of(
                6,
                Arbitraries.of(
                    "true",
                    "false",
                    "null",
                    "\"t\"",
                    "\"No\"",
                    "\"1\"",
                    "-0.0",
                    "-0",
                    "12",
                    "1.5",
                    "\"NaN\"",
                    "\"2018/08/19 12:11\"",
                    "\"2026-11-24T10:15:30.123456Z\"",
                    "\"2026-11-24\"",
                    "\"10:15:30\"",
                    "\"AAEC\"",
                    "\"POINT(1 2)\"",
                    "{}",
                    "[]",
                    "[null]")));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> inner = value(depth - 1);
    return Arbitraries.oneOf(
        scalar,
        scalar,
        inner.list().ofMaxSize(3).map(l -> "[" + String.join(",", l) + "]"),
        Combinators.combine(
                Arbitraries.of(COLUMNS).list().uniqueElements().ofMaxSize(3),
                inner.list().ofSize(3))
            .as(JsonMessageMapperPropertyTest::object));
  }

  /** Mantissas with huge and tiny exponents, both signs. */
  private static Arbitrary<String> hostileNumber() {
    Arbitrary<String> mantissa =
        Combinators.combine(
                Arbitraries.of("", "-"),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(40),
                Arbitraries.of("", ".5", ".000", ".123456789012345678901234567890123456789"))
            .as((sign, digits, fraction) -> sign + digits + fraction);
    Arbitrary<String> exponent =
        Arbitraries.oneOf(
            Arbitraries.integers().between(-999_999_999, 999_999_999).map(e -> "e" + e),
            Arbitraries.integers().between(-400, 400).map(e -> "E" + e),
            Arbitraries.of(
                "",
                "e0",
                "e+999999999",
                "e-999999999",
                "e2147483647",
                "e-2147483648",
                "e99999999999"));
    return Combinators.combine(mantissa, exponent).as(String::concat);
  }

  /** Digit strings around and beyond the 1000-character number limit. */
  private static Arbitrary<String> longDigits() {
    return Combinators.combine(
            Arbitraries.of("", "-", "0000"),
            Arbitraries.integers().between(900, 1200),
            Arbitraries.of("", ".5"))
        .as((prefix, length, suffix) -> prefix + "9".repeat(length) + suffix);
  }

  /** Strings with escaped surrogates, paired or not. */
  private static Arbitrary<String> surrogates() {
    return Arbitraries.of("\\ud800", "\\udc00", "\\udbff", "\\ud83d\\ude00", "x", "\\u0000")
        .list()
        .ofMinSize(1)
        .ofMaxSize(3)
        .map(parts -> "\"" + String.join("", parts) + "\"");
  }

  /** Arrays and objects nested around the depth limits. */
  private static Arbitrary<String> deep() {
    return Combinators.combine(Arbitraries.of(COLUMNS), Arbitraries.integers().between(5, 80))
        .as(
            (name, levels) ->
                "{\"" + name + "\":" + "[".repeat(levels) + "1" + "]".repeat(levels) + "}");
  }

  private static String object(List<String> keys, List<String> values) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < keys.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append('"').append(keys.get(i)).append("\":").append(values.get(i));
    }
    return out.append('}').toString();
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20 || Character.isSurrogate(c)) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }

  private static TableSchema schemaOfEveryType() {
    List<Field> leaves = new ArrayList<>();
    for (FieldType type : FieldType.values()) {
      if (type == FieldType.STRUCT) {
        continue;
      }
      String name = type.name().toLowerCase(java.util.Locale.ROOT);
      leaves.add(Field.of(name, type));
      leaves.add(Field.of(name + "_list", type, FieldMode.REPEATED));
    }
    List<Field> columns = new ArrayList<>(leaves);
    columns.add(Field.struct("rec", FieldMode.NULLABLE, leaves));
    columns.add(Field.struct("recs", FieldMode.REPEATED, leaves));
    columns.add(Field.of("keep", FieldType.JSON));
    return new TableSchema(columns);
  }

  private static List<String> columnNames() {
    List<String> names = new ArrayList<>();
    SCHEMA.fields().forEach(f -> names.add(f.name()));
    names.add("unknown");
    return List.copyOf(names);
  }
}

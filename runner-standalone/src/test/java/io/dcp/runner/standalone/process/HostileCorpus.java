package io.dcp.runner.standalone.process;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Payloads built to break a JSON-to-row pipeline: fixed nasties (invalid UTF-8, a 10 MB payload,
 * 10,000-deep nesting, huge numbers, NaN, duplicate keys, BOMs, NUL bytes, every type at and past
 * its limits) and a generated part (random bytes, random JSON objects over the schema's columns
 * with values of any type).
 */
public final class HostileCorpus {
  private HostileCorpus() {}

  /** The fixed nasties, for the hostile schema ({@code reliability/hostile.schema.json}). */
  public static List<byte[]> fixed() {
    List<byte[]> out = new ArrayList<>();
    out.add(new byte[] {'{', '"', 's', '"', ':', '"', (byte) 0xc3, '(', '"', '}'});
    out.add(new byte[] {(byte) 0xff, (byte) 0xfe, '{', '}'});
    out.add(new byte[] {'{', '"', 's', '"', ':', '"', 'a', 0, 'b', '"', '}'});
    out.add(new byte[0]);
    for (String text :
        List.of(
            "{\"s\":\"\\ud800\"}",
            "{\"s\":\"a\\u0000b\"}",
            "\ufeff{\"id\":1}",
            "{\"id\":1,\"id\":2}",
            "{\"f\":NaN}",
            "{\"f\":\"NaN\"}",
            "{\"f\":\"-Infinity\"}",
            "{\"f\":1e400}",
            "{\"n\":1e400}",
            "{\"id\":99999999999999999999}",
            "{\"id\":9223372036854775807}",
            "{\"id\":-9223372036854775808}",
            "{\"id\":9223372036854775808}",
            "{\"id\":1.0}",
            "{\"n\":\"99999999999999999999999999999.999999999\"}",
            "{\"n\":\"100000000000000000000000000000\"}",
            "{\"n\":\"0.0000000001\"}",
            "{\"big\":\"1" + "0".repeat(80) + "\"}",
            "{\"ts\":\"0001-01-01T00:00:00Z\"}",
            "{\"ts\":\"9999-12-31T23:59:59.999999Z\"}",
            "{\"ts\":\"10000-01-01T00:00:00Z\"}",
            "{\"ts\":-62135596801}",
            "{\"d\":\"0001-01-01\",\"dt\":\"9999-12-31T23:59:59.999999\",\"t\":\"23:59:59.999999\"}",
            "{\"d\":\"2026-02-30\"}",
            "{\"dt\":\"2026-13-01T00:00:00\"}",
            "{\"t\":\"24:00:01\"}",
            "{\"raw\":\"!!not base64\"}",
            "{\"b\":\"maybe\"}",
            "{\"rec\":[1,2]}",
            "{\"rec\":{\"y\":[null]}}",
            "{\"arr\":[1,\"x\"]}",
            "{\"j\":{\"k\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}}",
            "[".repeat(10_000) + "]".repeat(10_000),
            "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000),
            "null",
            "[]",
            "42",
            "\"text\"",
            "   ",
            "{",
            "{\"" + "k".repeat(100_000) + "\":1}",
            "{\"arr\":[" + "7,".repeat(100_000) + "7]}")) {
      out.add(text.getBytes(StandardCharsets.UTF_8));
    }
    // 10 MB: a valid row too large for one BigQuery append.
    out.add(("{\"s\":\"" + "x".repeat(10_000_000 - 8) + "\"}").getBytes(StandardCharsets.UTF_8));
    return out;
  }

  /** {@code count} generated payloads: a third random bytes, the rest random JSON objects. */
  public static List<byte[]> generated(int count) {
    Arbitrary<byte[]> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
    Arbitrary<byte[]> objects =
        Combinators.combine(
                Arbitraries.of(
                        "id", "n", "big", "f", "b", "s", "raw", "ts", "d", "dt", "t", "j", "rec",
                        "arr", "unknown")
                    .list()
                    .ofMaxSize(6),
                json(3).list().ofMaxSize(6))
            .as(HostileCorpus::object)
            .map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<byte[]> any =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(1, bytes), net.jqwik.api.Tuple.of(2, objects));
    return any.sampleStream().limit(count).toList();
  }

  private static String object(List<String> keys, List<String> values) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < Math.min(keys.size(), values.size()); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append('"').append(keys.get(i)).append("\":").append(values.get(i));
    }
    return out.append('}').toString();
  }

  /** Any JSON value, nested up to {@code depth}, as text. */
  private static Arbitrary<String> json(int depth) {
    Arbitrary<String> scalar =
        Arbitraries.oneOf(
            Arbitraries.longs().map(Object::toString),
            Arbitraries.doubles().map(Object::toString),
            Arbitraries.bigDecimals().map(Object::toString),
            Arbitraries.of(
                "true",
                "false",
                "null",
                "\"2026-11-24T14:00:00Z\"",
                "\"2026-11-24\"",
                "\"12:30:00\"",
                "\"AAEC\"",
                "\"NaN\"",
                "1e308",
                "-0"),
            Arbitraries.strings().all().ofMaxLength(40).map(HostileCorpus::quote));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> inner = json(depth - 1);
    return Arbitraries.oneOf(
        scalar,
        inner.list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]"),
        Combinators.combine(
                Arbitraries.of("x", "y", "z").list().ofMaxSize(3), inner.list().ofMaxSize(3))
            .as(HostileCorpus::object));
  }

  private static String quote(String s) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append('"').toString();
  }
}

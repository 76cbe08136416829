package io.dcp.benchmarks.mapping;

import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.model.Message;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of mapping hostile payloads, beside the flat quote event of {@link MappingBenchmark}:
 * what a number's exponent, a long digit string, deep nesting or escaped surrogates cost the
 * mapper, on one thread. Each payload goes into a schema of one column {@code v} of the type it
 * attacks (the flat event into its own schema). Divide the time per message by {@link #main} for
 * the cost per byte; the aim is at most 100 times the flat event's.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HostileMappingBenchmark {
  /** Each case: the column type it attacks and the payload. */
  static final Map<String, Case> CASES =
      Map.ofEntries(
          Map.entry("flat", new Case(null, MappingBenchmark.FLAT)),
          Map.entry("hugeExponentInt64", new Case(FieldType.INT64, "{\"v\":1e999999999}")),
          Map.entry("hugeExponentNumeric", new Case(FieldType.NUMERIC, "{\"v\":1e999999999}")),
          Map.entry("hugeExponentString", new Case(FieldType.STRING, "{\"v\":1e999999999}")),
          Map.entry("hugeExponentFloat64", new Case(FieldType.FLOAT64, "{\"v\":1e999999999}")),
          Map.entry("hugeExponentJson", new Case(FieldType.JSON, "{\"v\":[1e999999999]}")),
          Map.entry("tinyExponentString", new Case(FieldType.STRING, "{\"v\":1e-999999999}")),
          Map.entry(
              "longNumberNumeric", new Case(FieldType.NUMERIC, "{\"v\":" + "9".repeat(1000) + "}")),
          Map.entry(
              "longNumberInt64", new Case(FieldType.INT64, "{\"v\":" + "9".repeat(1000) + "}")),
          Map.entry(
              "longFractionFloat64",
              new Case(FieldType.FLOAT64, "{\"v\":0." + "3".repeat(998) + "}")),
          Map.entry(
              "longDigitStringNumeric",
              new Case(FieldType.NUMERIC, "{\"v\":\"" + "9".repeat(100_000) + "\"}")),
          Map.entry(
              "leadingZerosInt64",
              new Case(FieldType.INT64, "{\"v\":\"" + "0".repeat(100_000) + "42\"}")),
          Map.entry(
              "deepArrayJson",
              new Case(FieldType.JSON, "{\"v\":" + "[".repeat(63) + "1" + "]".repeat(63) + "}")),
          Map.entry(
              "tooDeepArray",
              new Case(
                  FieldType.JSON, "{\"v\":" + "[".repeat(10_000) + "1" + "]".repeat(10_000) + "}")),
          Map.entry(
              "surrogatePairsString",
              new Case(FieldType.STRING, "{\"v\":\"" + "\\ud83d\\ude00".repeat(10_000) + "\"}")),
          Map.entry(
              "loneSurrogateLate",
              new Case(
                  FieldType.STRING, "{\"v\":\"" + "\\ud83d\\ude00".repeat(10_000) + "\\ud800\"}")),
          Map.entry(
              "manyNumbersJson",
              new Case(FieldType.JSON, "{\"v\":[" + "1e300,".repeat(10_000) + "1e300]}")));

  @Param({
    "flat",
    "hugeExponentInt64",
    "hugeExponentNumeric",
    "hugeExponentString",
    "hugeExponentFloat64",
    "hugeExponentJson",
    "tinyExponentString",
    "longNumberNumeric",
    "longNumberInt64",
    "longFractionFloat64",
    "longDigitStringNumeric",
    "leadingZerosInt64",
    "deepArrayJson",
    "tooDeepArray",
    "surrogatePairsString",
    "loneSurrogateLate",
    "manyNumbersJson"
  })
  public String payload;

  private Message message;
  private JsonMessageMapper mapper;

  @Setup
  public void setUp() {
    Case c = CASES.get(payload);
    byte[] bytes = c.json().getBytes(StandardCharsets.UTF_8);
    message = Message.of("m-1", bytes, Instant.parse("2026-11-24T14:30:00Z"));
    TableSchema schema =
        c.type() == null
            ? MappingBenchmark.FLAT_SCHEMA
            : TableSchema.of(Field.of("v", c.type(), FieldMode.NULLABLE));
    mapper = JsonMessageMapper.create(schema, MappingConfig.typed(), "bench", Clock.systemUTC());
  }

  /** Maps the payload: a row or a dead letter, never an exception. */
  @Benchmark
  public MappingResult map() {
    return mapper.map(message);
  }

  /** Prints each case's size in bytes and what it maps to, for the per-byte figures. */
  public static void main(String[] args) {
    for (Map.Entry<String, Case> e : new java.util.TreeMap<>(CASES).entrySet()) {
      HostileMappingBenchmark b = new HostileMappingBenchmark();
      b.payload = e.getKey();
      b.setUp();
      MappingResult result = b.map();
      String outcome =
          result instanceof MappingResult.Rejected r
              ? r.deadLetter().errorMessage()
              : result.getClass().getSimpleName();
      System.out.printf(
          "%-24s %8d bytes  %s%n",
          e.getKey(),
          e.getValue().json().getBytes(StandardCharsets.UTF_8).length,
          outcome.length() > 110 ? outcome.substring(0, 110) + "..." : outcome);
    }
  }

  /** One hostile payload and the column type it goes into (null: the flat quote schema). */
  record Case(FieldType type, String json) {}
}

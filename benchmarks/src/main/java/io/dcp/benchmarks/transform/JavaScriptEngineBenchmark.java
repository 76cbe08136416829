package io.dcp.benchmarks.transform;

import io.dcp.adapters.javascript.GraalJsMessageTransform;
import io.dcp.adapters.javascript.ScriptBudget;
import io.dcp.core.model.Message;
import io.dcp.core.port.TransformResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;

/**
 * The Dataflow template's sample UDFs ({@code examples/transforms}) on one thread: GraalJS through
 * the adapter dcp ships (sandboxed, statement budget reset per message) against standalone Nashorn
 * with Java access off ({@code --no-java}, a class filter refusing every class), the engine the
 * template itself has used. Run from the repository root.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class JavaScriptEngineBenchmark {
  private static final String EVENT =
      """
      {"id":1,"name":"Ada","ssn":"123","severity":"INFO","price":2.5,"quantity":4,\
      "location":{"city":"Oslo","country":"NO"},"ts":"2026-11-24T14:00:00Z"}""";

  @Param({"graaljs", "nashorn"})
  public String engine;

  @Param({"reshape", "filter", "enrich"})
  public String udf;

  private GraalJsMessageTransform graal;
  private Invocable nashorn;
  private final Message message =
      Message.of("m1", EVENT.getBytes(StandardCharsets.UTF_8), Instant.EPOCH);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    Path script = Path.of("examples/transforms", udf + ".js");
    if (engine.equals("graaljs")) {
      graal =
          GraalJsMessageTransform.open(
              script, "process", new ScriptBudget(100_000, Duration.ofSeconds(1), 256L << 20));
    } else {
      ScriptEngine e =
          new NashornScriptEngineFactory()
              .getScriptEngine(
                  new String[] {"--no-java", "--language=es6"},
                  JavaScriptEngineBenchmark.class.getClassLoader(),
                  className -> false);
      e.eval(Files.readString(script));
      nashorn = (Invocable) e;
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (graal != null) {
      graal.close();
    }
  }

  @Benchmark
  public Object transform() throws Exception {
    if (graal != null) {
      TransformResult result = graal.transform(message, EVENT);
      return result;
    }
    return nashorn.invokeFunction("process", EVENT);
  }
}

package io.dcp.benchmarks.transform;

import io.dcp.adapters.javascript.GraalJsMessageTransform;
import io.dcp.adapters.javascript.ScriptBudget;
import io.dcp.core.model.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import javax.script.Invocable;
import javax.script.ScriptEngine;
import org.openjdk.nashorn.api.scripting.NashornScriptEngineFactory;

/**
 * Start-up of one engine in a fresh JVM: the time from creating it to the first transformed message
 * of {@code examples/transforms/enrich.js}. {@code JavaScriptEngineStartup graaljs|nashorn} from
 * the repository root; run each in its own JVM.
 */
public final class JavaScriptEngineStartup {
  private JavaScriptEngineStartup() {}

  public static void main(String[] args) throws Exception {
    String engine = args.length > 0 ? args[0] : "graaljs";
    Path script = Path.of("examples/transforms/enrich.js");
    String event = "{\"price\":2.5,\"quantity\":4}";
    long start = System.nanoTime();
    Object first;
    if (engine.equals("graaljs")) {
      try (GraalJsMessageTransform t =
          GraalJsMessageTransform.open(
              script, "process", new ScriptBudget(100_000, Duration.ofSeconds(1), 256L << 20))) {
        first =
            t.transform(
                Message.of("m", event.getBytes(StandardCharsets.UTF_8), Instant.EPOCH), event);
      }
    } else {
      ScriptEngine e =
          new NashornScriptEngineFactory()
              .getScriptEngine(
                  new String[] {"--no-java", "--language=es6"},
                  JavaScriptEngineStartup.class.getClassLoader(),
                  className -> false);
      e.eval(Files.readString(script));
      first = ((Invocable) e).invokeFunction("process", event);
    }
    System.out.printf(
        "%s: first message after %.0f ms: %s%n", engine, (System.nanoTime() - start) / 1e6, first);
  }
}

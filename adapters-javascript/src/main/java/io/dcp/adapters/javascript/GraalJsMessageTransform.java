package io.dcp.adapters.javascript;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigProblem;
import io.dcp.core.model.Message;
import io.dcp.core.port.MessageTransform;
import io.dcp.core.port.TransformResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.graalvm.polyglot.Context;
import org.graalvm.polyglot.Engine;
import org.graalvm.polyglot.EnvironmentAccess;
import org.graalvm.polyglot.HostAccess;
import org.graalvm.polyglot.PolyglotAccess;
import org.graalvm.polyglot.PolyglotException;
import org.graalvm.polyglot.ResourceLimits;
import org.graalvm.polyglot.Source;
import org.graalvm.polyglot.SourceSection;
import org.graalvm.polyglot.Value;
import org.graalvm.polyglot.io.IOAccess;

/**
 * Runs a Dataflow-template UDF in GraalJS: the function gets the payload as a JSON string and
 * returns a JSON string, or null/undefined to drop the message. Attributes pass through unchanged,
 * as in the template.
 *
 * <p>Sandbox: no host (Java) access or class lookup, no I/O, threads, processes, native code,
 * environment or other languages; {@code load}, {@code print} and {@code console} output go
 * nowhere. Each message has a {@link ScriptBudget}: it may run so many statements (counted by the
 * engine), for so long and allocate so many bytes (both watched by a {@link Watchdog} thread, which
 * cancels it); past any of them it fails and its context is replaced. Strings and typed arrays are
 * capped at {@link #MAX_STRING_LENGTH} elements.
 *
 * <p>Thread-safe: a context is single-threaded, so each calling thread borrows one from a pool
 * sharing one engine (and its parsed code).
 */
public final class GraalJsMessageTransform implements MessageTransform {
  /** The longest string (and typed array) a script may build, in UTF-16 units (and elements). */
  public static final int MAX_STRING_LENGTH = 32 * 1024 * 1024;

  private static final JsonFactory JSON = new JsonFactory();
  private final Engine engine;
  private final Source source;
  private final String functionName;
  private final ScriptBudget budget;
  private final ResourceLimits limits;
  private final Watchdog watchdog;
  private final Queue<Worker> idle = new ConcurrentLinkedQueue<>();

  private GraalJsMessageTransform(
      Engine engine, Source source, String functionName, ScriptBudget budget, Watchdog watchdog) {
    this.engine = engine;
    this.source = source;
    this.functionName = functionName;
    this.budget = budget;
    this.limits = ResourceLimits.newBuilder().statementLimit(budget.maxStatements(), null).build();
    this.watchdog = watchdog;
  }

  /**
   * Reads the script file, compiles it and finds its function.
   *
   * @throws ConfigException naming {@code transform.javascript.path} when the file is unreadable or
   *     does not compile (with the line), or {@code transform.javascript.functionName} when the
   *     script defines no such function
   */
  public static GraalJsMessageTransform open(Path script, String functionName, ScriptBudget budget)
      throws ConfigException {
    requireNonNull(script, "script");
    String text;
    try {
      text = Files.readString(script);
    } catch (IOException e) {
      throw problem("transform.javascript.path", script + " is unreadable: " + e.getMessage());
    }
    return compile(script.toString(), text, functionName, budget);
  }

  /**
   * Compiles a script already read from {@code location} (a local path or a {@code gs://} URI,
   * named in errors; its last segment names the script in error lines, {@code udf.js:3}) and finds
   * its function: for runners that read the file themselves, from a bucket or through Beam's file
   * systems.
   *
   * @throws ConfigException naming {@code transform.javascript.path} when the script does not
   *     compile (with the line), or {@code transform.javascript.functionName} when it defines no
   *     such function, or {@code transform.javascript.maxAllocatedBytes} when this JVM cannot count
   *     the bytes a thread allocates
   */
  public static GraalJsMessageTransform compile(
      String location, String text, String functionName, ScriptBudget budget)
      throws ConfigException {
    requireNonNull(location, "location");
    requireNonNull(text, "text");
    requireNonNull(functionName, "functionName");
    requireNonNull(budget, "budget");
    Watchdog watchdog;
    try {
      watchdog = Watchdog.start(budget);
    } catch (UnsupportedOperationException e) {
      throw problem("transform.javascript.maxAllocatedBytes", e.getMessage());
    }
    String name =
        location.substring(Math.max(location.lastIndexOf('/'), location.lastIndexOf('\\')) + 1);
    Source source = Source.newBuilder("js", text, name).cached(true).buildLiteral();
    Engine engine =
        Engine.newBuilder("js")
            .option("engine.WarnInterpreterOnly", "false")
            .out(OutputStream.nullOutputStream())
            .err(OutputStream.nullOutputStream())
            .build();
    GraalJsMessageTransform transform =
        new GraalJsMessageTransform(engine, source, functionName, budget, watchdog);
    try {
      transform.idle.add(transform.newWorker());
    } catch (PolyglotException e) {
      watchdog.close();
      engine.close(true);
      throw problem(
          "transform.javascript.path",
          location + " does not compile: " + e.getMessage() + " at " + where(e));
    } catch (MissingFunction e) {
      watchdog.close();
      engine.close(true);
      throw problem(
          "transform.javascript.functionName",
          location
              + " defines no function '"
              + functionName
              + "': set transform.javascript.functionName to the UDF's name");
    }
    return transform;
  }

  @Override
  public TransformResult transform(Message message, String payload) {
    Worker worker = idle.poll();
    if (worker == null) {
      worker = newWorker();
    }
    Watchdog.Evaluation evaluation = watchdog.begin(worker.context);
    Value out;
    try {
      out = worker.function.execute(payload);
    } catch (RuntimeException thrown) {
      Watchdog.Overrun overrun = evaluation.end();
      if (overrun != null) {
        worker.context.close(true);
        return overrun(overrun);
      }
      if (!(thrown instanceof PolyglotException e)) {
        worker.context.close(true);
        throw thrown;
      }
      if (e.isResourceExhausted() || e.isCancelled() || e.isInternalError() || e.isExit()) {
        worker.context.close(true);
      } else {
        release(worker);
      }
      if (e.isResourceExhausted()) {
        return new TransformResult.Failed(
            functionName + " ran out of its budget (" + e.getMessage() + ")");
      }
      return new TransformResult.Failed(
          functionName + " threw " + e.getMessage() + " at " + where(e));
    }
    TransformResult result;
    try {
      result = result(message, out);
    } catch (RuntimeException e) {
      Watchdog.Overrun overrun = evaluation.end();
      worker.context.close(true);
      if (overrun == null) {
        throw e;
      }
      // The watchdog closed the context while the result was being read.
      return overrun(overrun);
    }
    Watchdog.Overrun overrun = evaluation.end();
    if (overrun != null) {
      worker.context.close(true);
      return overrun(overrun);
    }
    release(worker);
    return result;
  }

  private TransformResult result(Message message, Value out) {
    if (out.isNull()) {
      return new TransformResult.Dropped();
    }
    if (!out.isString()) {
      return new TransformResult.Failed(
          functionName + " returned " + describe(out) + ", not a JSON string");
    }
    String json = out.asString();
    String problem = jsonProblem(json);
    return problem == null
        ? new TransformResult.Transformed(json, message.attributes())
        : new TransformResult.Failed(
            functionName + " returned a string that is not JSON: " + problem);
  }

  private TransformResult.Failed overrun(Watchdog.Overrun overrun) {
    return switch (overrun) {
      case TIME ->
          new TransformResult.Failed(
              functionName
                  + " ran past its time budget of "
                  + budget.maxTime().toMillis()
                  + " ms (transform.javascript.maxMillis)");
      case ALLOCATION ->
          new TransformResult.Failed(
              functionName
                  + " allocated more than its budget of "
                  + budget.maxAllocatedBytes()
                  + " bytes (transform.javascript.maxAllocatedBytes)");
    };
  }

  private void release(Worker worker) {
    worker.context.resetLimits();
    idle.offer(worker);
  }

  @Override
  public void close() {
    watchdog.close();
    for (Worker w; (w = idle.poll()) != null; ) {
      w.context.close(true);
    }
    engine.close(true);
  }

  private Worker newWorker() {
    Context context =
        Context.newBuilder("js")
            .engine(engine)
            .allowHostAccess(HostAccess.NONE)
            .allowHostClassLookup(name -> false)
            .allowHostClassLoading(false)
            .allowIO(IOAccess.NONE)
            .allowCreateThread(false)
            .allowCreateProcess(false)
            .allowNativeAccess(false)
            .allowEnvironmentAccess(EnvironmentAccess.NONE)
            .allowPolyglotAccess(PolyglotAccess.NONE)
            .allowExperimentalOptions(true)
            .option("js.load", "false")
            .option("js.print", "false")
            .option("js.console", "false")
            .option("js.string-length-limit", Integer.toString(MAX_STRING_LENGTH))
            .option("js.max-typed-array-length", Integer.toString(MAX_STRING_LENGTH))
            .resourceLimits(limits)
            .build();
    try {
      context.eval(source);
      Value function = context.getBindings("js").getMember(functionName);
      if (function == null || !function.canExecute()) {
        throw new MissingFunction();
      }
      context.resetLimits();
      return new Worker(context, function);
    } catch (RuntimeException e) {
      context.close(true);
      throw e;
    }
  }

  private static String where(PolyglotException e) {
    SourceSection at = e.getSourceLocation();
    if (at == null) {
      for (PolyglotException.StackFrame frame : e.getPolyglotStackTrace()) {
        if (frame.isGuestFrame() && frame.getSourceLocation() != null) {
          at = frame.getSourceLocation();
          break;
        }
      }
    }
    return at == null ? "an unknown line" : at.getSource().getName() + ":" + at.getStartLine();
  }

  private static String describe(Value value) {
    if (value.isBoolean()) {
      return "a boolean";
    }
    if (value.isNumber()) {
      return "a number";
    }
    return value.hasArrayElements() ? "an array" : "an object";
  }

  /** Why {@code text} is not one JSON value, or null when it is. */
  private static String jsonProblem(String text) {
    try (JsonParser parser = JSON.createParser(text)) {
      if (parser.nextToken() == null) {
        return "it is empty";
      }
      parser.skipChildren();
      JsonToken after = parser.nextToken();
      return after == null ? null : "more than one JSON value";
    } catch (JsonProcessingException e) {
      return e.getOriginalMessage();
    } catch (IOException e) {
      return e.getMessage();
    }
  }

  private static ConfigException problem(String key, String message) {
    return new ConfigException(List.of(new ConfigProblem(key, message)));
  }

  private record Worker(Context context, Value function) {}

  /** The script evaluated but defines no function of the configured name. */
  private static final class MissingFunction extends RuntimeException {
    MissingFunction() {
      super(null, null, false, false);
    }
  }
}

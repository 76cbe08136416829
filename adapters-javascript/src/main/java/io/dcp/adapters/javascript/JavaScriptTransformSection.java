package io.dcp.adapters.javascript;

import io.dcp.core.config.ChosenSection;
import io.dcp.core.config.SectionReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The {@code transform.javascript} section, which this module owns: the UDF run before mapping,
 * present when {@code transform.javascript.path} names a script and every key is right. A local
 * script must be readable then; a {@code gs://} one is read by the runner that runs it (the bucket
 * client, Beam's file systems).
 */
public final class JavaScriptTransformSection extends ChosenSection<JavaScriptTransformSettings> {
  /** The one instance, handed to the config loader. */
  public static final JavaScriptTransformSection INSTANCE = new JavaScriptTransformSection();

  private static final Pattern JS_IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

  private JavaScriptTransformSection() {
    super("transform.javascript", r -> !r.string("path").isEmpty());
  }

  @Override
  protected Supplier<JavaScriptTransformSettings> readKeys(SectionReader r) {
    String path = r.string("path");
    String functionName = r.string("functionName");
    long maxStatements = r.positiveLong("maxStatements");
    long maxMillis = r.positiveLong("maxMillis");
    long maxAllocatedBytes = r.positiveLong("maxAllocatedBytes");
    if (!JS_IDENTIFIER.matcher(functionName).matches()) {
      r.problem(
          "functionName",
          "'"
              + functionName
              + "' is not a JavaScript function name: write the name the script declares, e.g."
              + " process");
    }
    return () ->
        new JavaScriptTransformSettings(
            path,
            functionName,
            new ScriptBudget(maxStatements, Duration.ofMillis(maxMillis), maxAllocatedBytes));
  }

  @Override
  protected void check(SectionReader r) {
    String path = r.string("path");
    if (!path.startsWith("gs://") && !Files.isReadable(Path.of(path))) {
      r.problem(
          "path",
          "'"
              + path
              + "' is not a readable file: give the local path or the gs:// URI of the UDF"
              + " script");
    }
  }
}

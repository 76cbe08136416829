package io.dcp.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Reads the {@code transform} section: the JavaScript UDF, its function name and budget. */
final class TransformSection {
  private static final Pattern JS_IDENTIFIER = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*");

  private TransformSection() {}

  static DcpConfig.Transform read(ConfigReader r) {
    DcpConfig.Transform transform =
        new DcpConfig.Transform(
            r.string("transform.javascript.path"),
            r.string("transform.javascript.functionName"),
            r.positiveLong("transform.javascript.maxStatements"),
            r.positiveLong("transform.javascript.maxMillis"),
            r.positiveLong("transform.javascript.maxAllocatedBytes"));
    if (!JS_IDENTIFIER.matcher(transform.javascriptFunctionName()).matches()) {
      r.problem(
          "transform.javascript.functionName",
          "'"
              + transform.javascriptFunctionName()
              + "' is not a JavaScript function name: write the name the script declares, e.g."
              + " process");
    }
    // A gs:// script is read by the runner that runs it (the bucket client, Beam's file systems).
    if (transform.enabled()
        && !transform.javascriptPath().startsWith("gs://")
        && !Files.isReadable(Path.of(transform.javascriptPath()))) {
      r.problem(
          "transform.javascript.path",
          "'"
              + transform.javascriptPath()
              + "' is not a readable file: give the local path or the gs:// URI of the UDF"
              + " script");
    }
    return transform;
  }
}

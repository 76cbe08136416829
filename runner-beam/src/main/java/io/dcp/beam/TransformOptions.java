package io.dcp.beam;

import io.dcp.adapters.javascript.JavaScriptTransformSettings;
import io.dcp.adapters.javascript.ScriptBudget;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.ConfigLoader;
import io.dcp.core.config.ConfigProblem;
import io.dcp.core.port.MessageTransform;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The job's UDF, from the Dataflow template's own options ({@code
 * --javascriptTextTransformGcsPath}, {@code --javascriptTextTransformFunctionName}) or from the
 * {@code transform} section of {@code --configFile}, never both: a template user's flags carry
 * over, and a dcp user's file does too. The script is read through Beam's file systems (a local
 * path or {@code gs://}) and compiled once before launch, so a script that does not compile, or
 * lacks its function, stops the launch with its line rather than fail on the workers.
 */
final class TransformOptions {
  static final String PATH = "--javascriptTextTransformGcsPath";
  static final String FUNCTION = "--javascriptTextTransformFunctionName";
  private static final String DEFAULT_FUNCTION =
      ConfigLoader.defaults().get("transform.javascript.functionName");
  private static final ScriptBudget DEFAULT_BUDGET =
      new ScriptBudget(
          Long.parseLong(ConfigLoader.defaults().get("transform.javascript.maxStatements")),
          Duration.ofMillis(
              Long.parseLong(ConfigLoader.defaults().get("transform.javascript.maxMillis"))),
          Long.parseLong(ConfigLoader.defaults().get("transform.javascript.maxAllocatedBytes")));

  private TransformOptions() {}

  /**
   * The UDF the job runs, or null for none; each problem is added to {@code problems}, naming its
   * option or key (null is returned then too).
   *
   * @param config the file of {@code --configFile}, or null without one
   */
  static TransformScript resolve(
      DcpBeamOptions options, BeamConfigFile config, List<String> problems) {
    String flagPath = options.getJavascriptTextTransformGcsPath();
    String flagFunction = options.getJavascriptTextTransformFunctionName();
    boolean flags = set(flagPath) || set(flagFunction);
    if (flags && config != null && config.setsTransform()) {
      problems.add(
          (set(flagPath) ? PATH : FUNCTION)
              + " and the transform section of --configFile "
              + config.path()
              + " both set the UDF: keep one (the options, as the template takes them, or the"
              + " transform.javascript.* keys, as dcp run reads them)");
      return null;
    }
    if (set(flagFunction) && !set(flagPath)) {
      problems.add(FUNCTION + " needs " + PATH + ", the UDF file (a local path or gs://)");
      return null;
    }
    Origin origin;
    String location;
    String function;
    ScriptBudget budget;
    if (set(flagPath)) {
      origin = new Origin(PATH, FUNCTION);
      location = flagPath;
      function = set(flagFunction) ? flagFunction : DEFAULT_FUNCTION;
      budget = DEFAULT_BUDGET;
    } else {
      Optional<JavaScriptTransformSettings> section = config == null ? null : config.transform();
      if (section == null || section.isEmpty()) {
        return null;
      }
      String file = "--configFile " + config.path() + ": ";
      origin =
          new Origin(
              file + "transform.javascript.path", file + "transform.javascript.functionName");
      location = section.get().path();
      function = section.get().functionName();
      budget = section.get().budget();
    }
    String text;
    try {
      text = DcpBeamPipeline.readText(location);
    } catch (UncheckedIOException | IllegalArgumentException e) {
      // IllegalArgumentException: Beam knows no file system for the path's scheme.
      problems.add(origin.path() + ": " + e.getMessage());
      return null;
    }
    TransformScript script = new TransformScript(location, text, function, budget);
    try (MessageTransform compiled = script.compile()) {
      return script;
    } catch (ConfigException e) {
      for (ConfigProblem problem : e.problems()) {
        problems.add(
            problem.key().endsWith("functionName")
                ? origin.function()
                    + ": "
                    + script.location()
                    + " defines no function '"
                    + script.functionName()
                    + "'"
                : origin.path() + ": " + problem.message());
      }
      return null;
    }
  }

  private static boolean set(String value) {
    return value != null && !value.isBlank();
  }

  /** How the problems of each setting are named: by the option or by the file's key. */
  private record Origin(String path, String function) {}
}

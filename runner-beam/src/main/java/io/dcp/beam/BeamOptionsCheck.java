package io.dcp.beam;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks the combination of options before a pipeline is built, naming each wrong option. */
public final class BeamOptionsCheck {
  private static final Pattern SUBSCRIPTION = Pattern.compile("projects/[^/]+/subscriptions/[^/]+");
  private static final Pattern TOPIC = Pattern.compile("projects/[^/]+/topics/[^/]+");
  private static final Pattern TABLE = Pattern.compile("[^:.]+[:.][^.]+\\.[^.]+");

  private BeamOptionsCheck() {}

  /** Returns every problem of {@code options}, each naming its option; empty when fine. */
  public static List<String> problems(DcpBeamOptions options) {
    List<String> problems = new ArrayList<>();
    int inputs =
        count(options.getInputSubscription(), options.getInputTopic(), options.getInputFiles());
    if (inputs != 1) {
      problems.add(
          "set exactly one of --inputSubscription, --inputTopic or --inputFiles ("
              + inputs
              + " set)");
    }
    if (set(options.getInputSubscription())
        && !SUBSCRIPTION.matcher(options.getInputSubscription()).matches()) {
      problems.add("--inputSubscription must be projects/PROJECT/subscriptions/NAME");
    }
    if (set(options.getInputTopic()) && !TOPIC.matcher(options.getInputTopic()).matches()) {
      problems.add("--inputTopic must be projects/PROJECT/topics/NAME");
    }
    boolean local = set(options.getOutputDirectory());
    if (local == set(options.getOutputTable())) {
      problems.add("set exactly one of --outputTable or --outputDirectory");
    }
    if (set(options.getOutputTable()) && !TABLE.matcher(options.getOutputTable()).matches()) {
      problems.add("--outputTable must be PROJECT:DATASET.TABLE or PROJECT.DATASET.TABLE");
    }
    if (set(options.getOutputTable())
        && set(options.getDeadLetterTable()) == set(options.getDeadLetterTopic())) {
      problems.add("set exactly one of --deadLetterTable or --deadLetterTopic with --outputTable");
    }
    if (set(options.getDeadLetterTopic())
        && !TOPIC.matcher(options.getDeadLetterTopic()).matches()) {
      problems.add("--deadLetterTopic must be projects/PROJECT/topics/NAME");
    }
    if (set(options.getDeadLetterTopic()) && local) {
      problems.add("--deadLetterTopic applies to --outputTable only (local mode writes files)");
    }
    if (set(options.getDeadLetterTable())
        && !TABLE.matcher(options.getDeadLetterTable()).matches()) {
      problems.add("--deadLetterTable must be PROJECT:DATASET.TABLE or PROJECT.DATASET.TABLE");
    }
    if (set(options.getSchemaFile()) == Boolean.TRUE.equals(options.getSchemaFromTable())) {
      problems.add("set exactly one of --schemaFile or --schemaFromTable=true");
    }
    if (Boolean.TRUE.equals(options.getSchemaFromTable()) && !set(options.getOutputTable())) {
      problems.add("--schemaFromTable needs --outputTable to read the schema from");
    }
    if (set(options.getInputFiles()) != local) {
      problems.add(
          "--inputFiles (local mode) goes with --outputDirectory, Pub/Sub input with"
              + " --outputTable");
    }
    checkWriteMode(options, problems);
    if (set(options.getIdAttribute()) && set(options.getInputFiles())) {
      problems.add("--idAttribute applies to Pub/Sub input only");
    }
    Integer reload = options.getJavascriptTextTransformReloadIntervalMinutes();
    if (reload != null && reload != 0) {
      problems.add(
          "--javascriptTextTransformReloadIntervalMinutes="
              + reload
              + " is not supported: the job reads the UDF once, at launch, and compiles it once"
              + " per worker; leave it 0 (the template's default) and launch the job again (or"
              + " update it) to load a new script");
    }
    return problems;
  }

  /** Throws when {@link #problems} finds any, with all of them in the message. */
  public static void validate(DcpBeamOptions options) {
    List<String> problems = problems(options);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException("invalid options:\n  " + String.join("\n  ", problems));
    }
  }

  // BigQueryIO requires a triggering frequency and a stream count (or auto-sharding) for the
  // exactly-once Storage Write API on unbounded input, and accepts neither for at-least-once.
  private static void checkWriteMode(DcpBeamOptions options, List<String> problems) {
    Integer frequency = options.getTriggeringFrequencySeconds();
    Integer streams = options.getWriteStreams();
    boolean streaming = !set(options.getInputFiles());
    if (options.getWriteMode() == DcpBeamOptions.WriteMode.AT_LEAST_ONCE) {
      if (frequency != null) {
        problems.add("--triggeringFrequencySeconds applies to --writeMode=EXACTLY_ONCE only");
      }
      if (streams != null) {
        problems.add("--writeStreams applies to --writeMode=EXACTLY_ONCE only");
      }
      return;
    }
    if (frequency != null && frequency <= 0) {
      problems.add("--triggeringFrequencySeconds must be greater than 0");
    }
    if (streams != null && streams < 0) {
      problems.add("--writeStreams must be 0 (auto-sharding) or more");
    }
    if (streaming && set(options.getOutputTable())) {
      if (frequency == null) {
        problems.add(
            "--triggeringFrequencySeconds is required for --writeMode=EXACTLY_ONCE on Pub/Sub"
                + " input (for example 5)");
      }
      if (streams == null) {
        problems.add(
            "--writeStreams is required for --writeMode=EXACTLY_ONCE on Pub/Sub"
                + " input (for example 4, or 0 for auto-sharding)");
      }
    }
  }

  private static int count(String... values) {
    int n = 0;
    for (String v : values) {
      if (set(v)) {
        n++;
      }
    }
    return n;
  }

  private static boolean set(String value) {
    return value != null && !value.isBlank();
  }
}

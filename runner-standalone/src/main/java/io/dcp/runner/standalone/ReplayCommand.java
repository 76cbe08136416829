package io.dcp.runner.standalone;

import io.dcp.adapters.javascript.JavaScriptTransformSection;
import io.dcp.adapters.pubsub.PubSubDeadLetterSection;
import io.dcp.adapters.pubsub.PubSubDeadLetterSettings;
import io.dcp.adapters.pubsub.PubSubDeadLetterStore;
import io.dcp.adapters.pubsub.PubSubDeadLetterStoreSettings;
import io.dcp.core.config.CheckedConfig;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.config.DeadLetterType;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.SinkException;
import io.dcp.core.replay.Replay;
import io.dcp.core.routing.Destinations;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.TableSchema;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Sends dead letters through the current mapping again: those that now map land in the table and
 * leave the dead letters (a DuckDB dead-letter table, or a subscription of the Pub/Sub dead-letter
 * topic) or, from a BigQuery dead-letter table, are marked replayed in its {@code <table>_replayed}
 * ledger; the others stay. {@code --dry-run} only says what would happen, and creates nothing.
 */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description =
        "Replays dead letters through the current mapping; what now lands leaves the DuckDB"
            + " dead-letter table or the dead-letter topic's subscription (--subscription), or is"
            + " marked replayed in the BigQuery dead-letter table's <table>_replayed ledger.")
final class ReplayCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  /** The run's message transform: dead letters keep the original message, so replay runs it. */
  private TransformStep transform;

  @Option(
      names = "--stage",
      description = "Only dead letters of this stage: ${COMPLETION-CANDIDATES}.")
  Stage stage;

  @Option(
      names = "--reason",
      description = "Only dead letters whose error message matches this regex.")
  String reason;

  @Option(
      names = "--since",
      description = "Only dead letters rejected at or after this instant (ISO-8601).")
  Instant since;

  @Option(
      names = "--until",
      description = "Only dead letters rejected before this instant (ISO-8601).")
  Instant until;

  @Option(
      names = "--subscription",
      paramLabel = "projects/P/subscriptions/S",
      description =
          "A subscription of the dead-letter topic to replay from; required when deadLetter.type"
              + " is pubsub-topic.")
  String subscription;

  @Option(
      names = "--max-messages",
      paramLabel = "N",
      defaultValue = "" + PubSubDeadLetterStoreSettings.DEFAULT_MAX_MESSAGES,
      description =
          "With --subscription: messages pulled and held at once, at most (${DEFAULT-VALUE}).")
  int maxMessages;

  @Option(
      names = "--dry-run",
      description = "Map only; write, remove, mark and ack nothing, and create no table.")
  boolean dryRun;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CheckedConfig checked = options.loadWithSchemas(err);
    if (checked == null) {
      return Main.CONFIG_ERROR;
    }
    DcpConfig config = checked.config();
    TableSchema schema = checked.schema();
    boolean fromTopic = config.deadLetter().kind() instanceof DeadLetterType.PubSubTopic;
    Optional<String> problem = sourceProblem(config, fromTopic);
    if (problem.isPresent()) {
      return configError(err, problem.get());
    }
    Pattern pattern;
    PubSubDeadLetterStoreSettings storeSettings = null;
    try {
      pattern = reason == null ? null : Pattern.compile(reason);
      if (fromTopic) {
        storeSettings =
            PubSubDeadLetterStoreSettings.defaults(subscription)
                .withEndpoint(deadLetterTopic(config).endpoint())
                .withMaxMessages(maxMessages);
      }
    } catch (IllegalArgumentException e) {
      return configError(err, e.getMessage());
    }
    try {
      transform = TransformStep.open(config.section(JavaScriptTransformSection.INSTANCE));
    } catch (ConfigException e) {
      return configError(err, e.getMessage());
    }
    DeadLetterQuery query =
        new DeadLetterQuery(
            Optional.ofNullable(stage),
            Optional.ofNullable(pattern),
            Optional.ofNullable(since),
            Optional.ofNullable(until));
    try {
      if (fromTopic) {
        try (Warehouse warehouse = Warehouse.open(config);
            PubSubDeadLetterStore store =
                new PubSubDeadLetterStore(storeSettings, System.getenv());
            Destinations destinations = destinations(config, schema, warehouse)) {
          Replay.Report report =
              new Replay(store, destinations, warehouse.rowSink()).run(query, dryRun);
          print(out, report, "landed and " + store.replayed());
          if (store.foreignMessages() > 0) {
            out.printf(
                "%,d messages of %s are not dcp dead letters (no dcp_stage attribute): never"
                    + " acked, they stay.%n",
                store.foreignMessages(), subscription);
          }
          if (store.limitReached()) {
            out.printf(
                "Stopped pulling at %,d messages (--max-messages): the subscription may hold"
                    + " more; raise --max-messages or replay again.%n",
                maxMessages);
          }
        }
      } else {
        Optional<String> nothing = Warehouse.nothingToReplay(config);
        if (nothing.isPresent()) {
          return configError(err, nothing.get());
        }
        try (Warehouse warehouse = Warehouse.open(config);
            DeadLetterStore store =
                warehouse.openDeadLetterStore(TableId.parse(config.deadLetter().table()));
            Destinations destinations = destinations(config, schema, warehouse)) {
          Replay.Report report =
              new Replay(store, destinations, warehouse.rowSink()).run(query, dryRun);
          print(out, report, "landed and " + store.replayed());
          store.notes().forEach(out::println);
        }
      }
      out.flush();
      return 0;
    } catch (SinkException e) {
      out.flush();
      err.println("replay failed: " + e.getMessage());
      err.flush();
      return 1;
    } finally {
      transform.close();
    }
  }

  /** The tables as {@code dcp run} has them; a dry run changes none. */
  private Destinations destinations(DcpConfig config, TableSchema schema, Warehouse warehouse)
      throws SinkException {
    try {
      Clock clock = Clock.systemUTC();
      return DestinationsFactory.open(
          config,
          schema,
          warehouse,
          clock,
          !dryRun,
          mapper -> transform.around(mapper, PipelineMetrics.NOOP, clock));
    } catch (SchemaException | IllegalArgumentException e) {
      throw SinkException.permanentFailure(e.getMessage(), e);
    }
  }

  /** The dead-letter topic's settings, when {@code deadLetter.type} is pubsub-topic. */
  private static PubSubDeadLetterSettings deadLetterTopic(DcpConfig config) {
    return config.section(PubSubDeadLetterSection.INSTANCE).orElseThrow();
  }

  /** Returns why this config and these options cannot replay, if they cannot. */
  private Optional<String> sourceProblem(DcpConfig config, boolean fromTopic) {
    if (maxMessages < 1) {
      return Optional.of("--max-messages must be at least 1, not " + maxMessages);
    }
    if (fromTopic && subscription == null) {
      return Optional.of(
          "deadLetter.type is pubsub-topic: dcp replay reads a subscription of the dead-letter"
              + " topic "
              + deadLetterTopic(config).topic()
              + "; name it with --subscription projects/P/subscriptions/S (gcloud pubsub"
              + " subscriptions create NAME --topic="
              + deadLetterTopic(config).topic()
              + " makes one; attach it before the dead letters are published)");
    }
    if (!fromTopic && subscription != null) {
      return Optional.of(
          "--subscription replays a Pub/Sub dead-letter topic, but deadLetter.type is table (the"
              + " dead letters are in table "
              + config.deadLetter().table()
              + "): drop --subscription, or point --config at the config that publishes to the"
              + " topic");
    }
    return Optional.empty();
  }

  /** Prints the report; {@code landed} says what became of the dead letters that landed. */
  private void print(PrintWriter out, Replay.Report report, String landed) {
    out.printf(
        "%,d dead letters selected: %,d %s (%,d rows), %,d %s.%n",
        report.selected(),
        report.landed(),
        dryRun ? "would land" : landed,
        report.rows(),
        report.selected() - report.landed(),
        dryRun ? "would stay" : "stay");
    for (Map.Entry<String, Integer> e : report.stillRejected().entrySet()) {
      out.printf("%6d  %s%n", e.getValue(), e.getKey());
    }
  }

  private static int configError(PrintWriter err, String message) {
    err.println(message);
    err.flush();
    return Main.CONFIG_ERROR;
  }
}

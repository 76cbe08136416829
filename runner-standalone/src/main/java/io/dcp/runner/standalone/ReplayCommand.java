package io.dcp.runner.standalone;

import io.dcp.adapters.duckdb.DuckDbRowSink;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.Replay;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.SinkException;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.SchemaJson;
import io.dcp.core.schema.TableSchema;
import java.io.PrintWriter;
import java.nio.file.Path;
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
 * leave the dead-letter table; the others stay. {@code --dry-run} only says what would happen.
 */
@Command(
    name = "replay",
    description =
        "Replays dead letters through the current mapping; what now lands leaves the dead-letter"
            + " table.")
final class ReplayCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

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

  @Option(names = "--dry-run", description = "Map only; write and remove nothing.")
  boolean dryRun;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DcpConfig config = options.load(err);
    if (config == null) {
      return Main.CONFIG_ERROR;
    }
    if (!config.sink().type().equals("duckdb") || !config.deadLetter().type().equals("table")) {
      err.println(
          "dcp replay reads a DuckDB dead-letter table (sink.type duckdb, deadLetter.type table);"
              + " replaying from BigQuery or from a Pub/Sub dead-letter subscription is not"
              + " available yet");
      err.flush();
      return Main.CONFIG_ERROR;
    }
    TableSchema schema;
    Pattern pattern;
    try {
      schema = SchemaJson.read(Path.of(config.table().schema()));
      pattern = reason == null ? null : Pattern.compile(reason);
    } catch (SchemaException | IllegalArgumentException e) {
      err.println(e.getMessage());
      err.flush();
      return Main.CONFIG_ERROR;
    }
    DeadLetterQuery query =
        new DeadLetterQuery(
            Optional.ofNullable(stage),
            Optional.ofNullable(pattern),
            Optional.ofNullable(since),
            Optional.ofNullable(until));
    try (DuckDbRowSink sink = DuckDbRowSink.open(config.sink().duckdbPath())) {
      Replay replay =
          new Replay(
              sink.deadLetterStore(TableId.parse(config.deadLetter().table())),
              JsonMessageMapper.create(
                  schema, config.mapping(), config.source().name(), Clock.systemUTC()),
              TableId.parse(config.table().id()),
              schema,
              sink);
      Replay.Report report = replay.run(query, dryRun);
      out.printf(
          "%,d dead letters selected: %,d %s (%,d rows), %,d %s.%n",
          report.selected(),
          report.landed(),
          dryRun ? "would land" : "landed and left the dead-letter table",
          report.rows(),
          report.selected() - report.landed(),
          dryRun ? "would stay" : "stay");
      for (Map.Entry<String, Integer> e : report.stillRejected().entrySet()) {
        out.printf("%6d  %s%n", e.getValue(), e.getKey());
      }
      out.flush();
      return 0;
    } catch (SinkException e) {
      err.println("replay failed: " + e.getMessage());
      err.flush();
      return 1;
    }
  }
}

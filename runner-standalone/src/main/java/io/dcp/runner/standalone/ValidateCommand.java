package io.dcp.runner.standalone;

import io.dcp.adapters.javascript.JavaScriptTransformSection;
import io.dcp.core.config.CheckedConfig;
import io.dcp.core.config.ConfigException;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.mapping.TransformingMapper;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Stage;
import io.dcp.core.ndjson.NdjsonLines;
import io.dcp.core.port.MessageTransform;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TransformResult;
import io.dcp.core.routing.Destinations;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.SchemaException;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks a config, its schema and, optionally, sample messages through the real mapper: how many
 * rows would land and which dead letters would be written, and why. Nothing is written.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = "Checks the config, the schema and sample messages; writes nothing.")
final class ValidateCommand implements Callable<Integer> {
  @Mixin ConfigOptions options;

  @Option(names = "--sample", description = "An NDJSON file of sample messages to map.")
  Path sample;

  @Option(
      names = "--fail-on-dead-letters",
      description = "Exit 1 when any sample message would be dead-lettered (for CI).")
  boolean failOnDeadLetters;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CheckedConfig checked = options.loadWithSchemas(err);
    if (checked == null) {
      return Main.CONFIG_ERROR;
    }
    DcpConfig config = checked.config();
    TableSchema schema = checked.schema();
    try (TransformStep step =
        TransformStep.open(config.section(JavaScriptTransformSection.INSTANCE))) {
      Optional<MessageTransform> transform = step.transform().map(t -> shown(t, out));
      Destinations destinations;
      try {
        destinations =
            DestinationsFactory.offline(
                config,
                schema,
                Clock.systemUTC(),
                mapper ->
                    transform
                        .<MessageMapper>map(
                            t ->
                                new TransformingMapper(
                                    t, mapper, PipelineMetrics.NOOP, Clock.systemUTC()))
                        .orElse(mapper));
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        err.flush();
        return Main.CONFIG_ERROR;
      } catch (SchemaException e) {
        err.println("table.schemas: " + e.getMessage());
        err.flush();
        return Main.CONFIG_ERROR;
      }
      try (destinations) {
        return check(config, schema, destinations, transform.isPresent(), out, err);
      }
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.flush();
      return Main.CONFIG_ERROR;
    }
  }

  /** {@code transform}, printing what it makes of each sample message. */
  private static MessageTransform shown(MessageTransform transform, PrintWriter out) {
    return new MessageTransform() {
      private String lastShown;

      @Override
      public TransformResult transform(Message message, String payload) {
        TransformResult result = transform.transform(message, payload);
        // A message whose new fields evolution would add is mapped again as a preview: show once.
        if (message.id().equals(lastShown)) {
          return result;
        }
        lastShown = message.id();
        if (result instanceof TransformResult.Transformed t) {
          out.printf("%s: transformed to %s%n", message.id(), t.payload());
        } else if (result instanceof TransformResult.Dropped) {
          out.printf("%s: dropped by the transform%n", message.id());
        }
        return result;
      }

      @Override
      public void close() {}
    };
  }

  private Integer check(
      DcpConfig config,
      TableSchema schema,
      Destinations destinations,
      boolean showRows,
      PrintWriter out,
      PrintWriter err)
      throws IOException {
    out.printf(
        "Config OK: %s -> table %s (%d columns)%n",
        config.source().type(), config.table().id(), schema.fields().size());
    if (sample == null) {
      out.flush();
      return 0;
    }
    if (!Files.isReadable(sample)) {
      err.println("--sample: cannot read " + sample + ": check the path");
      err.flush();
      return Main.CONFIG_ERROR;
    }
    long rows = 0;
    long messages = 0;
    Map<String, Long> tables = new TreeMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    Set<String> added = new HashSet<>();
    // Read as `dcp run` reads it: a line over mapping.maxPayloadBytes is cut, never held whole.
    try (NdjsonLines lines =
        new NdjsonLines(Files.newInputStream(sample), config.mapping().maxPayloadBytes())) {
      NdjsonLines.Line line;
      while ((line = lines.next()) != null) {
        messages++;
        Map<String, String> attributes =
            line.cut() ? Map.of(NdjsonLines.CUT_ATTRIBUTE, Long.toString(line.length())) : Map.of();
        Message message =
            new Message(
                sample.getFileName() + ":" + messages,
                line.bytes(),
                attributes,
                Instant.now(),
                "",
                0);
        MappingResult result = map(destinations, message, tables, added, out);
        if (result instanceof MappingResult.Mapped m) {
          rows += m.rows().size();
          if (showRows) {
            m.rows().forEach(row -> out.printf("  maps to %s%n", row));
          }
        } else if (result instanceof MappingResult.Rejected r) {
          reasons.merge(r.deadLetter().errorMessage(), 1, Integer::sum);
        }
      }
    }
    long dead = reasons.values().stream().mapToLong(Integer::longValue).sum();
    out.printf("%,d messages: %,d rows would land, %,d dead letters%n", messages, rows, dead);
    if (!config.table().route().isEmpty()) {
      tables.forEach((table, count) -> out.printf("  %,6d rows in table %s%n", count, table));
    }
    reasons.forEach((reason, count) -> out.printf("  %,6d  %s%n", count, reason));
    out.flush();
    return failOnDeadLetters && dead > 0 ? 1 : 0;
  }

  /**
   * Maps {@code message} as {@code dcp run} would: routed to its table (or dead-lettered when no
   * table takes it), and with evolution as it maps once the columns its new fields need are added,
   * printing the columns the run would add for it (each once: {@code added} holds those printed).
   */
  private static MappingResult map(
      Destinations destinations,
      Message message,
      Map<String, Long> tables,
      Set<String> added,
      PrintWriter out) {
    Destinations.Routed routed;
    try {
      routed = destinations.route(message);
    } catch (SinkException e) {
      throw new IllegalStateException("offline destinations never call the warehouse", e);
    }
    if (routed instanceof Destinations.Routed.Unroutable u) {
      return new MappingResult.Rejected(
          DeadLetter.of(message, Stage.MAP, u.path(), u.reason(), Instant.now()));
    }
    Destinations.Destination destination = ((Destinations.Routed.To) routed).destination();
    MappingResult result = destination.map(message);
    if (result instanceof MappingResult.NewColumns columns) {
      List<String> fresh = new ArrayList<>();
      for (Field column : columns.columns()) {
        if (added.add(destination.table() + "." + column.name())) {
          fresh.add(column.name() + " " + column.type().standardName() + " " + column.mode());
        }
      }
      if (!fresh.isEmpty()) {
        out.printf(
            "  adds columns %s to table %s%n", String.join(", ", fresh), destination.table());
      }
      result = destination.preview(message, columns.columns());
    }
    if (result instanceof MappingResult.Mapped m) {
      tables.merge(destination.table().toString(), (long) m.rows().size(), Long::sum);
    }
    return result;
  }
}

package io.dcp.core.replay;

import static java.util.Objects.requireNonNull;

import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.routing.Destinations;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.TableSchema;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Sends stored dead letters through the current mapping again: the ones that now map are written to
 * their table and then removed from the dead-letter store (a table, or a subscription of the
 * dead-letter topic); the others stay where they are. Tables are chosen, and with schema evolution
 * widened, as {@code dcp run} does ({@link Destinations}); a dry run adds no column, counts as
 * still rejected the rows the live table would refuse (a REQUIRED column left empty), and counts a
 * message that needs new columns as one that would land once they are added.
 *
 * <p>Rows are committed before their dead letters are removed, so a crash in between leaves a dead
 * letter whose row already landed (replayed again, it lands twice: at least once, as everywhere in
 * dcp), never a message in neither place. Run twice, it replays nothing twice.
 */
public final class Replay {
  /** Reasons are compared, not timed: the dead letters made here are never stored. */
  private static final Clock REASONS_CLOCK = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);

  private static final int BATCH_ROWS = 500;

  private final DeadLetterStore store;
  private final Destinations destinations;
  private final RowSink rows;

  /** Replays into one table, mapped with {@code mapper}. */
  public Replay(
      DeadLetterStore store,
      MessageMapper mapper,
      TableId table,
      TableSchema schema,
      RowSink rows) {
    this(store, Destinations.single(table, schema, mapper), rows);
  }

  /** Replays into the tables of {@code destinations}. */
  public Replay(DeadLetterStore store, Destinations destinations, RowSink rows) {
    this.store = requireNonNull(store, "store");
    this.destinations = requireNonNull(destinations, "destinations");
    this.rows = requireNonNull(rows, "rows");
  }

  /**
   * What a replay did, or with a dry run would do.
   *
   * @param selected dead letters the query selected
   * @param landed of those, the ones whose message now maps (and, unless dry, was written)
   * @param rows the rows they made
   * @param stillRejected reasons of the others, with their counts, as {@code stage: path: reason}
   */
  public record Report(int selected, int landed, int rows, Map<String, Integer> stillRejected) {
    public Report {
      stillRejected = Map.copyOf(stillRejected);
    }
  }

  /**
   * Replays the dead letters {@code query} selects.
   *
   * @param dryRun map only: write, add and remove nothing
   */
  public Report run(DeadLetterQuery query, boolean dryRun) throws SinkException {
    List<DeadLetterStore.Stored> selected = store.find(query);
    Map<String, Integer> stillRejected = new TreeMap<>();
    Map<Destinations.Destination, List<Landing>> landing = new LinkedHashMap<>();
    for (DeadLetterStore.Stored stored : selected) {
      Message message = stored.deadLetter().message();
      Destinations.Routed routed = destinations.route(message);
      if (routed instanceof Destinations.Routed.Unroutable u) {
        stillRejected.merge(
            DeadLetter.of(message, Stage.MAP, u.path(), u.reason(), Instant.EPOCH).errorMessage(),
            1,
            Integer::sum);
        continue;
      }
      Destinations.Destination destination = ((Destinations.Routed.To) routed).destination();
      MappingResult result;
      if (dryRun) {
        result = destination.map(message);
        if (result instanceof MappingResult.NewColumns added) {
          result = destination.preview(message, added.columns());
        }
      } else {
        result = destination.mapEvolving(message, REASONS_CLOCK);
      }
      if (result instanceof MappingResult.Mapped mapped) {
        landing
            .computeIfAbsent(destination, d -> new ArrayList<>())
            .add(new Landing(stored, mapped.rows()));
      } else if (result instanceof MappingResult.Rejected rejected) {
        stillRejected.merge(rejected.deadLetter().errorMessage(), 1, Integer::sum);
      }
    }
    if (dryRun) {
      return dryRunReport(selected.size(), landing, stillRejected);
    }
    List<DeadLetterStore.Stored> landed = new ArrayList<>();
    int written = 0;
    for (Map.Entry<Destinations.Destination, List<Landing>> e : landing.entrySet()) {
      written += write(e.getKey(), e.getValue(), landed, stillRejected);
    }
    store.remove(landed);
    return new Report(selected.size(), landed.size(), written, stillRejected);
  }

  /**
   * What a dry run reports: the messages that map, less those whose rows the live table would
   * refuse for a REQUIRED (NOT NULL) column they leave empty, as the write would.
   */
  private Report dryRunReport(
      int selected,
      Map<Destinations.Destination, List<Landing>> landing,
      Map<String, Integer> stillRejected)
      throws SinkException {
    int landed = 0;
    int rowCount = 0;
    for (Map.Entry<Destinations.Destination, List<Landing>> e : landing.entrySet()) {
      TableId table = e.getKey().table();
      Optional<TableSchema> live = destinations.liveSchema(table);
      for (Landing l : e.getValue()) {
        Optional<String> refusal =
            live.flatMap(schema -> refusal(table, schema, e.getKey().schema(), l.rows()));
        if (refusal.isPresent()) {
          stillRejected.merge("write: " + refusal.get(), 1, Integer::sum);
        } else {
          landed++;
          rowCount += l.rows().size();
        }
      }
    }
    return new Report(selected, landed, rowCount, stillRejected);
  }

  /** Why the live table would refuse one of {@code rows}, if it would. */
  private static Optional<String> refusal(
      TableId table, TableSchema live, TableSchema mapped, List<Row> rows) {
    for (Field column : live.fields()) {
      if (column.mode() != FieldMode.REQUIRED) {
        continue;
      }
      Optional<Field> ours = TableSchema.find(mapped.fields(), column.name());
      for (Row row : rows) {
        if (ours.isEmpty() || row.get(ours.get().name()) == null) {
          return Optional.of(
              "column "
                  + column.name()
                  + " of table "
                  + table
                  + " is REQUIRED (NOT NULL) and the"
                  + " row has no value for it");
        }
      }
    }
    return Optional.empty();
  }

  /** Writes one table's rows in batches; adds the dead letters that landed to {@code landed}. */
  private int write(
      Destinations.Destination destination,
      List<Landing> landing,
      List<DeadLetterStore.Stored> landed,
      Map<String, Integer> stillRejected)
      throws SinkException {
    int written = 0;
    for (int start = 0; start < landing.size(); ) {
      List<Row> batch = new ArrayList<>();
      List<Integer> owner = new ArrayList<>();
      int end = start;
      while (end < landing.size() && (batch.isEmpty() || batch.size() < BATCH_ROWS)) {
        for (Row row : landing.get(end).rows()) {
          batch.add(row);
          owner.add(end);
        }
        end++;
      }
      WriteResult result =
          rows.write(new WriteBatch(destination.table(), destination.schema(), batch));
      List<Integer> refused = new ArrayList<>();
      for (RowError error : result.rowErrors()) {
        int index = owner.get(error.index());
        if (!refused.contains(index)) {
          refused.add(index);
          stillRejected.merge("write: " + error.reason(), 1, Integer::sum);
        }
      }
      for (int i = start; i < end; i++) {
        if (!refused.contains(i)) {
          landed.add(landing.get(i).stored());
          written += landing.get(i).rows().size();
        }
      }
      start = end;
    }
    return written;
  }

  private record Landing(DeadLetterStore.Stored stored, List<Row> rows) {}
}

package io.dcp.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.dcp.core.mapping.MappingResult;
import io.dcp.core.mapping.MessageMapper;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sends stored dead letters through the current mapping again: the ones that now map are written to
 * the table and then removed from the dead-letter store (a table, or a subscription of the
 * dead-letter topic); the others stay where they are.
 *
 * <p>Rows are committed before their dead letters are removed, so a crash in between leaves a dead
 * letter whose row already landed (replayed again, it lands twice: at least once, as everywhere in
 * dcp), never a message in neither place. Run twice, it replays nothing twice.
 */
public final class Replay {
  private static final int BATCH_ROWS = 500;

  private final DeadLetterStore store;
  private final MessageMapper mapper;
  private final TableId table;
  private final TableSchema schema;
  private final RowSink rows;

  public Replay(
      DeadLetterStore store,
      MessageMapper mapper,
      TableId table,
      TableSchema schema,
      RowSink rows) {
    this.store = requireNonNull(store, "store");
    this.mapper = requireNonNull(mapper, "mapper");
    this.table = requireNonNull(table, "table");
    this.schema = requireNonNull(schema, "schema");
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
   * @param dryRun map only: write and remove nothing
   */
  public Report run(DeadLetterQuery query, boolean dryRun) throws SinkException {
    List<DeadLetterStore.Stored> selected = store.find(query);
    Map<String, Integer> stillRejected = new TreeMap<>();
    List<DeadLetterStore.Stored> landing = new ArrayList<>();
    List<List<Row>> rowsOf = new ArrayList<>();
    for (DeadLetterStore.Stored stored : selected) {
      MappingResult result = mapper.map(stored.deadLetter().message());
      if (result instanceof MappingResult.Mapped mapped) {
        landing.add(stored);
        rowsOf.add(mapped.rows());
      } else if (result instanceof MappingResult.Rejected rejected) {
        stillRejected.merge(rejected.deadLetter().errorMessage(), 1, Integer::sum);
      }
    }
    int rowCount = rowsOf.stream().mapToInt(List::size).sum();
    if (dryRun) {
      return new Report(selected.size(), landing.size(), rowCount, stillRejected);
    }
    List<DeadLetterStore.Stored> landed = new ArrayList<>();
    int written = 0;
    for (int start = 0; start < landing.size(); ) {
      List<Row> batch = new ArrayList<>();
      List<Integer> owner = new ArrayList<>();
      int end = start;
      while (end < landing.size() && (batch.isEmpty() || batch.size() < BATCH_ROWS)) {
        for (Row row : rowsOf.get(end)) {
          batch.add(row);
          owner.add(end);
        }
        end++;
      }
      WriteResult result = rows.write(new WriteBatch(table, schema, batch));
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
          landed.add(landing.get(i));
          written += rowsOf.get(i).size();
        }
      }
      start = end;
    }
    store.remove(landed);
    return new Report(selected.size(), landed.size(), written, stillRejected);
  }
}

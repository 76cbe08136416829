package io.dcp.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Writes dead letters as rows of a {@link DeadLetterTable} through any row sink, so every warehouse
 * keeps them in the same layout. A row the table refuses is written again without {@code
 * payloadString} (the bytes keep the payload whole), then, if still refused, with the payload cut
 * to its first MiB and the cut said in {@code errorMessage}: a payload near Pub/Sub's 10 MB limit
 * cannot fit a BigQuery append, and its reason and beginning are worth more than a message
 * redelivered forever. A row refused in every shape fails the whole call, as the dead-letter port
 * requires. Closing it closes the row sink.
 */
public final class TableDeadLetterSink implements DeadLetterSink {
  private static final Logger LOG = Logger.getLogger(TableDeadLetterSink.class.getName());

  /** What a payload is cut to when even its bytes alone do not fit a row of the table. */
  public static final int CUT_PAYLOAD_BYTES = 1 << 20;

  private final RowSink rows;
  private final TableId table;

  /**
   * The shapes a dead letter is written in, tried in order for the rows the table refuses: whole;
   * without payloadString (still lossless); with the payload cut.
   */
  private final List<Function<DeadLetter, Row>> shapes;

  public TableDeadLetterSink(RowSink rows, TableId table) {
    this(rows, table, CUT_PAYLOAD_BYTES);
  }

  TableDeadLetterSink(RowSink rows, TableId table, int cutPayloadBytes) {
    this.rows = requireNonNull(rows, "rows");
    this.table = requireNonNull(table, "table");
    this.shapes =
        List.of(
            DeadLetterTable::toRow,
            DeadLetterTable::withoutPayloadString,
            d -> DeadLetterTable.withPayloadCut(d, cutPayloadBytes));
  }

  @Override
  public void write(List<DeadLetter> deadLetters) throws SinkException {
    if (deadLetters.isEmpty()) {
      return;
    }
    List<Integer> pending = new ArrayList<>();
    for (int i = 0; i < deadLetters.size(); i++) {
      pending.add(i);
    }
    for (int shape = 0; ; shape++) {
      List<Row> batch = new ArrayList<>(pending.size());
      List<String> ids = new ArrayList<>(pending.size());
      for (int i : pending) {
        batch.add(shapes.get(shape).apply(deadLetters.get(i)));
        ids.add(deadLetters.get(i).message().id());
      }
      WriteResult result = rows.write(new WriteBatch(table, DeadLetterTable.SCHEMA, batch, ids));
      if (result.isComplete()) {
        return;
      }
      if (shape == shapes.size() - 1) {
        throw refusal(result, pending, deadLetters.size());
      }
      List<Integer> refused = new ArrayList<>();
      for (RowError error : result.rowErrors()) {
        refused.add(pending.get(error.index()));
      }
      if (shape == shapes.size() - 2) {
        for (int i : refused) {
          LOG.log(
              Level.WARNING,
              "the dead letter of message {0} does not fit table {1} whole: its payload is cut",
              new Object[] {deadLetters.get(i).message().id(), table});
        }
      }
      pending = refused;
    }
  }

  private SinkException refusal(WriteResult result, List<Integer> pending, int total) {
    return SinkException.permanentFailure(
        "dead-letter table "
            + table
            + " rejected "
            + result.rowErrors().size()
            + " of "
            + total
            + " dead letters ("
            + result.rowErrors().stream()
                .limit(3)
                .map(e -> "#" + pending.get(e.index()) + ": " + e.reason())
                .collect(Collectors.joining("; "))
            + "); check that its columns match the dead-letter layout",
        null);
  }

  @Override
  public void close() {
    rows.close();
  }
}

package io.dcp.core.pipeline;

import static java.util.Objects.requireNonNull;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes dead letters as rows of a {@link DeadLetterTable} through any row sink, so every warehouse
 * keeps them in the same layout. A row the table rejects fails the whole call, as the dead-letter
 * port requires. Closing it closes the row sink.
 */
public final class TableDeadLetterSink implements DeadLetterSink {
  private final RowSink rows;
  private final TableId table;

  public TableDeadLetterSink(RowSink rows, TableId table) {
    this.rows = requireNonNull(rows, "rows");
    this.table = requireNonNull(table, "table");
  }

  @Override
  public void write(List<DeadLetter> deadLetters) throws SinkException {
    if (deadLetters.isEmpty()) {
      return;
    }
    List<Row> batch = new ArrayList<>(deadLetters.size());
    deadLetters.forEach(d -> batch.add(DeadLetterTable.toRow(d)));
    WriteResult result = rows.write(new WriteBatch(table, DeadLetterTable.SCHEMA, batch));
    if (!result.isComplete()) {
      throw SinkException.permanentFailure(
          "dead-letter table "
              + table
              + " rejected "
              + result.rowErrors().size()
              + " of "
              + batch.size()
              + " dead letters ("
              + result.rowErrors().stream()
                  .limit(3)
                  .map(e -> "#" + e.index() + ": " + e.reason())
                  .collect(Collectors.joining("; "))
              + "); check that its columns match the dead-letter layout",
          null);
    }
  }

  @Override
  public void close() {
    rows.close();
  }
}

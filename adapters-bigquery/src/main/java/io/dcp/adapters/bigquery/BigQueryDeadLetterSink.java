package io.dcp.adapters.bigquery;

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
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes dead letters to a BigQuery table through the Storage Write sink, one row per dead letter,
 * in the layout of {@link #SCHEMA}.
 *
 * <p>The first six columns are those of the Dataflow Pub/Sub-to-BigQuery template's dead-letter
 * table, so a migrated table keeps working; {@code attributes} is filled (the template leaves it
 * empty). The other columns keep the message metadata and the rejection split into stage, field
 * path and reason. Any row BigQuery rejects fails the whole call, as the port requires.
 */
public final class BigQueryDeadLetterSink implements DeadLetterSink {
  /** The dead-letter table's schema: {@link DeadLetterTable#SCHEMA}. */
  public static final TableSchema SCHEMA = DeadLetterTable.SCHEMA;

  private final RowSink rows;
  private final TableId table;

  /**
   * Creates a dead-letter sink writing to {@code table} through {@code rows} (normally a {@link
   * StorageWriteRowSink}); closing this sink closes {@code rows}.
   */
  public BigQueryDeadLetterSink(RowSink rows, TableId table) {
    this.rows = requireNonNull(rows, "rows");
    this.table = requireNonNull(table, "table");
  }

  @Override
  public void write(List<DeadLetter> deadLetters) throws SinkException {
    if (deadLetters.isEmpty()) {
      return;
    }
    List<Row> batch = new ArrayList<>(deadLetters.size());
    deadLetters.forEach(d -> batch.add(toRow(d)));
    WriteResult result = rows.write(new WriteBatch(table, SCHEMA, batch));
    if (!result.isComplete()) {
      String reasons =
          result.rowErrors().stream()
              .limit(5)
              .map(e -> "#" + e.index() + ": " + e.reason())
              .collect(Collectors.joining("; "));
      throw SinkException.permanentFailure(
          "dead-letter table "
              + table
              + " rejected "
              + result.rowErrors().size()
              + " of "
              + batch.size()
              + " dead letters ("
              + reasons
              + "); check its schema matches the dead-letter layout in docs/bigquery.md",
          null);
    }
  }

  /** Returns the dead-letter row for {@code deadLetter}: {@link DeadLetterTable#toRow}. */
  public static Row toRow(DeadLetter deadLetter) {
    return DeadLetterTable.toRow(deadLetter);
  }

  @Override
  public void close() {
    rows.close();
  }
}

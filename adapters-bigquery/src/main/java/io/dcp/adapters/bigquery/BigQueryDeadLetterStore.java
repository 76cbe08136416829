package io.dcp.adapters.bigquery;

import static java.util.Objects.requireNonNull;

import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.FieldValueList;
import com.google.cloud.bigquery.Schema;
import com.google.cloud.bigquery.Table;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.RowError;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.SinkException;
import io.dcp.core.port.TableOptions;
import io.dcp.core.port.WriteBatch;
import io.dcp.core.port.WriteResult;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * Reads back a BigQuery dead-letter table (the layout of core's {@code DeadLetterTable}) and marks
 * the dead letters that were replayed in a ledger table beside it, {@code <table>_replayed}, rather
 * than deleting them.
 *
 * <p>Why a ledger: rows appended through the Storage Write API stay in the streaming buffer for a
 * while, and DML cannot delete or update them there. So replayed rows stay in the dead-letter
 * table, and the ledger ({@code message_id STRING, failed_at TIMESTAMP, replayed_at TIMESTAMP})
 * lists the ones that landed, keyed by message id and the dead letter's {@code timestamp}; {@link
 * #find} skips them. The dead letters still pending, in SQL:
 *
 * <pre>{@code
 * SELECT d.* FROM ds.dead_letters d
 * LEFT JOIN ds.dead_letters_replayed r
 *   ON d.message_id = r.message_id AND d.timestamp = r.failed_at
 * WHERE r.message_id IS NULL
 * }</pre>
 *
 * <p>Both tables are read whole with {@code tabledata.list}, page by page. The ledger is created,
 * through the table admin, by the first {@link #remove}, never by {@link #find}: a dry run creates
 * nothing. Rows that are not dcp dead letters (no stage or message id, as the Dataflow template
 * writes them) are never selected; {@link #foreignRows} counts them.
 *
 * <p>Thread-safe. Failures are {@link SinkException}s classified like table admin's.
 */
public final class BigQueryDeadLetterStore implements DeadLetterStore {
  /** What the ledger's name adds to the dead-letter table's. */
  public static final String LEDGER_SUFFIX = "_replayed";

  /** The ledger's schema. */
  public static final TableSchema LEDGER_SCHEMA =
      TableSchema.of(
          Field.of("message_id", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("failed_at", FieldType.TIMESTAMP, FieldMode.REQUIRED),
          Field.of("replayed_at", FieldType.TIMESTAMP, FieldMode.REQUIRED));

  private final BigQuery bigQuery;
  private final BigQueryTableAdmin admin;
  private final TableId table;
  private final TableId ledger;

  /** The table as it was named, for messages. */
  private final TableId named;

  private final RowSink ledgerRows;
  private final Clock clock;
  private final OpenCheck open;
  private volatile boolean ledgerReady;
  private volatile int foreignRows;

  BigQueryDeadLetterStore(
      BigQuery bigQuery, String project, TableId table, RowSink ledgerRows, Clock clock) {
    this(bigQuery, project, table, ledgerRows, clock, OpenCheck.ALWAYS_OPEN);
  }

  /** A store that checks {@code open} before every call to BigQuery. */
  BigQueryDeadLetterStore(
      BigQuery bigQuery,
      String project,
      TableId table,
      RowSink ledgerRows,
      Clock clock,
      OpenCheck open) {
    this.bigQuery = requireNonNull(bigQuery, "bigQuery");
    this.open = requireNonNull(open, "open");
    this.admin = new BigQueryTableAdmin(bigQuery, requireNonNull(project, "project"), open);
    this.named = requireNonNull(table, "table");
    this.table = admin.qualified(table);
    this.ledger = new TableId(this.table.project(), this.table.dataset(), ledgerName(this.table));
    this.ledgerRows = requireNonNull(ledgerRows, "ledgerRows");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * Connects to BigQuery as {@link BigQueryTableAdmin#connect} does (Application Default
   * Credentials, or {@code restHost} with no credentials when not empty), to replay {@code table};
   * ledger rows are written through {@code ledgerRows}, which this store does not close.
   */
  public static BigQueryDeadLetterStore connect(
      String project, String restHost, TableId table, RowSink ledgerRows, Clock clock) {
    return new BigQueryDeadLetterStore(
        BigQueryTableAdmin.client(project, restHost), project, table, ledgerRows, clock);
  }

  /** Returns the name of the ledger of dead-letter table {@code table}. */
  public static String ledgerName(TableId table) {
    return table.table() + LEDGER_SUFFIX;
  }

  /** Returns the ledger table, {@code project.dataset.<table>_replayed}. */
  public TableId ledger() {
    return ledger;
  }

  /** Returns how many rows the last {@link #find} skipped as not dcp dead letters. */
  public int foreignRows() {
    return foreignRows;
  }

  /** Replayed dead letters stay in the table and are marked in its ledger. */
  @Override
  public String replayed() {
    return "were marked replayed in " + ledger;
  }

  /** The rows the last {@link #find} skipped as not dcp dead letters, if any. */
  @Override
  public List<String> notes() {
    int foreign = foreignRows;
    if (foreign == 0) {
      return List.of();
    }
    return List.of(
        String.format(
            "%,d rows of %s are not dcp dead letters (no stage or message_id): never replayed,"
                + " they stay.",
            foreign, named));
  }

  @Override
  public List<Stored> find(DeadLetterQuery query) throws SinkException {
    Set<String> replayed = new HashSet<>();
    read(
        ledger,
        (cells, row) -> {
          String id = cells.string(row, "message_id");
          cells.timestamp(row, "failed_at").ifPresent(at -> replayed.add(key(id, at)));
        });
    List<Stored> out = new ArrayList<>();
    int[] foreign = {0};
    read(
        table,
        (cells, row) -> {
          Optional<DeadLetter> found = cells.deadLetter(row);
          if (found.isEmpty()) {
            foreign[0]++;
            return;
          }
          DeadLetter deadLetter = found.get();
          String key = key(deadLetter.message().id(), deadLetter.failedAt());
          if (!replayed.contains(key)
              && query.selects(
                  deadLetter.stage(), deadLetter.errorMessage(), deadLetter.failedAt())) {
            out.add(new Stored(key, deadLetter));
          }
        });
    foreignRows = foreign[0];
    out.sort(Comparator.comparing(s -> s.deadLetter().failedAt()));
    return out;
  }

  @Override
  public void remove(List<Stored> deadLetters) throws SinkException {
    if (deadLetters.isEmpty()) {
      return;
    }
    prepareLedger();
    Instant now = clock.instant();
    List<Row> rows = new ArrayList<>(deadLetters.size());
    for (Stored stored : deadLetters) {
      rows.add(
          Row.builder()
              .set("message_id", stored.deadLetter().message().id())
              .set("failed_at", stored.deadLetter().failedAt())
              .set("replayed_at", now)
              .build());
    }
    WriteResult result = ledgerRows.write(new WriteBatch(ledger, LEDGER_SCHEMA, rows));
    if (!result.isComplete()) {
      RowError first = result.rowErrors().get(0);
      throw SinkException.permanentFailure(
          "ledger table "
              + ledger
              + " rejected "
              + result.rowErrors().size()
              + " of "
              + rows.size()
              + " rows (first: "
              + first.reason()
              + "); their rows landed, so replaying them again lands them twice",
          null);
    }
  }

  private synchronized void prepareLedger() throws SinkException {
    if (ledgerReady) {
      return;
    }
    if (admin.schema(ledger).isEmpty()) {
      // The table admin logs the creation; a concurrent creator's table is accepted.
      admin.create(ledger, LEDGER_SCHEMA, TableOptions.none());
    }
    ledgerReady = true;
  }

  /** Calls {@code each} with every row of {@code id}, page by page; an absent table has none. */
  private void read(TableId id, BiConsumer<DeadLetterCells, FieldValueList> each)
      throws SinkException {
    open.ensureOpen();
    try {
      Table found = bigQuery.getTable(BigQueryTableAdmin.restId(id));
      Schema schema = found == null ? null : found.getDefinition().getSchema();
      if (schema == null) {
        return;
      }
      DeadLetterCells cells = new DeadLetterCells(schema.getFields());
      for (FieldValueList row :
          bigQuery.listTableData(BigQueryTableAdmin.restId(id), schema).iterateAll()) {
        each.accept(cells, row);
      }
    } catch (BigQueryException e) {
      throw admin.classify(id, "read the rows of", e);
    }
  }

  private static String key(String messageId, Instant failedAt) {
    return messageId + "@" + ChronoUnit.MICROS.between(Instant.EPOCH, failedAt);
  }

  /**
   * Closes the table admin it reads through; the ledger's row sink stays open (not this store's).
   */
  @Override
  public void close() {
    admin.close();
  }
}

package io.dcp.core.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The written contract of {@link RowSink}, as tests: every implementation's test extends this class
 * and says how to make a sink and how to read back what a table holds.
 */
@Timeout(120)
public abstract class RowSinkContract {
  /** The table the contract writes: a REQUIRED id and a NULLABLE name. */
  protected static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("id", FieldType.INT64, FieldMode.REQUIRED), Field.of("name", FieldType.STRING));

  /** Returns the table the contract writes to; {@link #newSink} must be able to write it. */
  protected abstract TableId table();

  /**
   * Returns a new sink that can write {@link #SCHEMA} rows to {@link #table()}, which exists: a
   * sink creates no table (core's table set-up does, through the table admin).
   */
  protected abstract RowSink newSink() throws Exception;

  /**
   * Returns the rows {@link #table()} holds, read around the sink's write path (SQL, the fake's
   * store) while the sink {@link #newSink} last returned is still open, each with {@code id} as a
   * {@code Long} and {@code name} as a {@code String} when it is not null.
   */
  protected abstract List<Row> committedRows() throws Exception;

  @Test
  void everyRowIsCommittedWhenWriteReturnsWithoutErrors() throws Exception {
    List<Row> rows = List.of(row(1, "a"), row(2, "b"), row(3, null));

    try (RowSink sink = newSink()) {
      WriteResult result = sink.write(new WriteBatch(table(), SCHEMA, rows));
      assertThat(result.isComplete()).isTrue();
      assertThat(committedRows()).containsExactlyInAnyOrderElementsOf(rows);
    }
  }

  @Test
  void aRowMissingARequiredValueIsReportedByIndexAndTheOthersAreCommitted() throws Exception {
    List<Row> rows = List.of(row(1, "a"), Row.builder().set("name", "no id").build(), row(3, "c"));

    try (RowSink sink = newSink()) {
      WriteResult result = sink.write(new WriteBatch(table(), SCHEMA, rows));

      assertThat(result.rowErrors()).extracting(RowError::index).containsExactly(1);
      assertThat(result.rowErrors().get(0).reason()).isNotBlank();
      assertThat(committedRows()).containsExactlyInAnyOrder(row(1, "a"), row(3, "c"));
    }
  }

  @Test
  void writesFromSeveralThreadsAtOnceAreAllCommitted() throws Exception {
    int threads = 4;
    int batchesPerThread = 5;
    int rowsPerBatch = 10;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (RowSink sink = newSink()) {
      List<Future<WriteResult>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        for (int b = 0; b < batchesPerThread; b++) {
          long first = ((long) t * batchesPerThread + b) * rowsPerBatch;
          List<Row> batch =
              LongStream.range(first, first + rowsPerBatch).mapToObj(i -> row(i, "r" + i)).toList();
          results.add(pool.submit(() -> sink.write(new WriteBatch(table(), SCHEMA, batch))));
        }
      }
      for (Future<WriteResult> result : results) {
        assertThat(result.get().isComplete()).isTrue();
      }
      long total = (long) threads * batchesPerThread * rowsPerBatch;
      assertThat(committedRows())
          .containsExactlyInAnyOrderElementsOf(
              LongStream.range(0, total).mapToObj(i -> row(i, "r" + i)).toList());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void writingToAMissingTableIsAPermanentFailureThatNamesIt() throws Exception {
    TableId table = table();
    TableId missing = new TableId(table.project(), table.dataset(), table.table() + "_missing");

    try (RowSink sink = newSink()) {
      Throwable thrown =
          catchThrowable(() -> sink.write(new WriteBatch(missing, SCHEMA, List.of(row(1, "a")))));

      assertThat(thrown)
          .as("a write to %s, which no one created (a sink creates no table)", missing)
          .isInstanceOfSatisfying(
              SinkException.class,
              failure -> {
                assertThat(failure.isTransient()).as("transient").isFalse();
                assertThat(failure.getMessage())
                    .contains(missing.table())
                    .contains("does not exist");
              });
    }
  }

  /** A row of {@link #SCHEMA}. */
  protected static Row row(long id, String name) {
    Row.Builder builder = Row.builder().set("id", id);
    if (name != null) {
      builder.set("name", name);
    }
    return builder.build();
  }
}

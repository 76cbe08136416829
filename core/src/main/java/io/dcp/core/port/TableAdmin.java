package io.dcp.core.port;

import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.TableSchema;
import java.util.List;
import java.util.Optional;

/**
 * Reads and changes table definitions in the warehouse.
 *
 * <p>Called at start-up and on schema changes, not on the hot path. Thread-safe. Failures are
 * {@link SinkException}s classified like writes. Whoever opens an admin closes it.
 */
public interface TableAdmin extends AutoCloseable {

  /** Returns the live schema of {@code table}, or empty when the table does not exist. */
  Optional<TableSchema> schema(TableId table) throws SinkException;

  /** Creates {@code table}; does nothing if it already exists with this schema. */
  void create(TableId table, TableSchema schema, TableOptions options) throws SinkException;

  /**
   * Appends NULLABLE columns to an existing table (top-level, or inside a STRUCT when a field
   * carries the STRUCT's name with its new sub-fields).
   */
  void addColumns(TableId table, List<Field> columns) throws SinkException;

  /**
   * Returns {@code field} as {@link #schema} would report a column created for it: a warehouse that
   * stores a type as another (DuckDB keeps BIGNUMERIC as text) says so here, so that comparing a
   * schema file with the live table flags only real differences.
   */
  default Field asStored(Field field) {
    return field;
  }

  /** Releases the clients the admin holds; called once, after its last use. */
  @Override
  void close();
}

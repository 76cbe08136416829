package io.dcp.adapters.duckdb;

import io.dcp.core.model.Bytes;
import io.dcp.core.model.Row;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A multi-row INSERT for one table and schema, prepared per row count when needed (the full batch
 * size is the one reused), with each column's binding.
 */
final class DuckDbInsert {
  private static final Logger LOG = LoggerFactory.getLogger(DuckDbInsert.class);

  private final List<Field> fields;
  private final Connection connection;
  private final String head;
  private final String tuple;
  private final Map<Integer, PreparedStatement> statements = new HashMap<>();

  DuckDbInsert(TableSchema schema, Connection connection, String head, String tuple) {
    this.fields = schema.fields();
    this.connection = connection;
    this.head = head;
    this.tuple = tuple;
  }

  int columns() {
    return fields.size();
  }

  PreparedStatement statement(int rows) throws SQLException {
    PreparedStatement statement = statements.get(rows);
    if (statement == null) {
      if (statements.size() >= 8) {
        reset();
      }
      statement =
          connection.prepareStatement(head + String.join(", ", Collections.nCopies(rows, tuple)));
      statements.put(rows, statement);
    }
    return statement;
  }

  void reset() {
    for (PreparedStatement statement : statements.values()) {
      try {
        statement.close();
      } catch (SQLException e) {
        LOG.debug("closing a statement failed", e);
      }
    }
    statements.clear();
  }

  void bind(PreparedStatement statement, int offset, Row row) throws SQLException {
    for (int i = 0; i < fields.size(); i++) {
      Field field = fields.get(i);
      Object value = row.get(field.name());
      int index = offset + i + 1;
      if (value == null) {
        statement.setNull(index, Types.NULL);
      } else if (DuckDbTypes.boundAsJson(field)) {
        statement.setString(index, NestedJson.render(field, value));
      } else {
        bindScalar(statement, index, field.type(), value);
      }
    }
  }

  private static BigDecimal nonNegativeScale(BigDecimal value) {
    return value.scale() < 0 ? value.setScale(0) : value;
  }

  private static void bindScalar(
      PreparedStatement statement, int index, FieldType type, Object value) throws SQLException {
    switch (type) {
      case INT64 -> statement.setLong(index, (Long) value);
      case FLOAT64 -> statement.setDouble(index, (Double) value);
      case BOOL -> statement.setBoolean(index, (Boolean) value);
      // DuckDB's JDBC refuses a negative scale, which a stripped 1000 (1E+3) has.
      case NUMERIC -> statement.setBigDecimal(index, nonNegativeScale((BigDecimal) value));
      case BIGNUMERIC -> statement.setString(index, ((BigDecimal) value).toPlainString());
      case BYTES -> statement.setBytes(index, ((Bytes) value).toByteArray());
      case TIMESTAMP -> statement.setObject(index, ((Instant) value).atOffset(ZoneOffset.UTC));
      case DATE, TIME, DATETIME -> statement.setObject(index, value);
      default -> statement.setString(index, Objects.toString(value));
    }
  }
}

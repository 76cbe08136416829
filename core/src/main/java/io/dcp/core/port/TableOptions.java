package io.dcp.core.port;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * How a table is laid out when it is created.
 *
 * @param partitioning the time partitioning, {@link Partitioning#NONE} for none
 * @param partitionColumn the TIMESTAMP/DATE/DATETIME column partitioned on, empty for ingestion
 *     time
 * @param clustering up to four clustering columns, in order
 */
public record TableOptions(
    Partitioning partitioning, String partitionColumn, List<String> clustering) {

  /** Time partitioning granularity. */
  public enum Partitioning {
    NONE,
    HOUR,
    DAY,
    MONTH,
    YEAR
  }

  public TableOptions {
    requireNonNull(partitioning, "partitioning");
    requireNonNull(partitionColumn, "partitionColumn");
    clustering = List.copyOf(clustering);
    if (clustering.size() > 4) {
      throw new IllegalArgumentException(
          "at most 4 clustering columns are allowed, got " + clustering.size());
    }
  }

  /** No partitioning, no clustering. */
  public static TableOptions none() {
    return new TableOptions(Partitioning.NONE, "", List.of());
  }
}

package io.dcp.core.config;

import io.dcp.core.model.TableId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiPredicate;

/** Reads the {@code deadLetter} section, and checks its table is none of the destinations. */
final class DeadLetterSection {
  private DeadLetterSection() {}

  static DcpConfig.DeadLetter read(ConfigReader r, DcpConfig.Sink sink) {
    String type =
        r.choice("deadLetter.type", "table", "duckdb-table", "bigquery-table", "pubsub-topic");
    if (type.endsWith("-table") && !type.equals(sink.type() + "-table")) {
      r.problem(
          "deadLetter.type",
          type
              + " needs sink.type "
              + type.substring(0, type.indexOf('-'))
              + "; dead-letter tables live in the sink's warehouse: use table");
    }
    if (type.endsWith("table")) {
      type = "table";
      r.tableId("deadLetter.table", r.string("deadLetter.table"));
    }
    // deadLetter.pubsub belongs to adapters-pubsub's section, which checks the topic.
    return new DcpConfig.DeadLetter(DeadLetterType.named(type), r.string("deadLetter.table"));
  }

  /**
   * Dead letters written to the destination table (or a routed one) would fail forever as rows of
   * the wrong shape: compared as the sink's warehouse compares names ({@code sameTable}).
   */
  static void tableOfItsOwn(
      ConfigReader r,
      String deadLetterTable,
      DcpConfig.Table table,
      BiPredicate<TableId, TableId> sameTable) {
    TableId deadLetters = parsedOrNull(deadLetterTable);
    if (deadLetters == null) {
      return;
    }
    Map<String, String> destinations = new LinkedHashMap<>();
    destinations.put("table.id", table.id());
    table.schemas().keySet().forEach(t -> destinations.put(TableSection.SCHEMAS + "." + t, t));
    for (Map.Entry<String, String> destination : destinations.entrySet()) {
      TableId id = parsedOrNull(destination.getValue());
      if (id != null && sameTable.test(deadLetters, id)) {
        r.problem(
            "deadLetter.table",
            "'"
                + deadLetterTable
                + "' is also "
                + destination.getKey()
                + " ('"
                + destination.getValue()
                + "'): dead letters need a table of their own, e.g. "
                + id.table()
                + "_dead_letters");
      }
    }
  }

  private static TableId parsedOrNull(String text) {
    try {
      return text.isEmpty() ? null : TableId.parse(text);
    } catch (IllegalArgumentException e) {
      return null; // reported under its own key
    }
  }
}

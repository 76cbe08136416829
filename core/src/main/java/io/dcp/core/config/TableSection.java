package io.dcp.core.config;

import io.dcp.core.port.TableOptions;
import io.dcp.core.routing.TableRoute;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the {@code table} section and {@code schema.evolution}, the destination and its schema. */
final class TableSection {
  /** The open map of a schema file per routed table. */
  static final String SCHEMAS = "table.schemas";

  private TableSection() {}

  static DcpConfig.Table read(ConfigReader r) {
    String id = r.string("table.id");
    if (id.isEmpty()) {
      r.problem("table.id", "required: the destination table (a name, or project.dataset.table)");
    } else {
      r.tableId("table.id", id);
    }
    String schema = r.string("table.schema");
    if (schema.isEmpty()) {
      r.problem(
          "table.schema",
          "required: a BigQuery JSON schema file (bq show --schema --format=prettyjson)");
    }
    TableOptions.Partitioning partitioning =
        TableOptions.Partitioning.valueOf(
            r.choice("table.partitioning", "none", "hour", "day", "month", "year")
                .toUpperCase(Locale.ROOT));
    String partitionColumn = r.string("table.partitionColumn");
    if (partitioning == TableOptions.Partitioning.NONE && !partitionColumn.isEmpty()) {
      r.problem(
          "table.partitionColumn",
          "set table.partitioning (hour, day, month or year) to partition on " + partitionColumn);
    }
    List<String> clustering = r.strings("table.clustering");
    if (clustering.size() > 4) {
      r.problem(
          "table.clustering",
          "BigQuery allows at most 4 clustering columns, " + clustering.size() + " are listed");
      clustering = clustering.subList(0, 4);
    }
    boolean create = r.bool("table.create");
    boolean addMissingColumns = r.bool("table.addMissingColumns");
    String route = r.string("table.route");
    if (!route.isEmpty()) {
      try {
        TableRoute.parse(route);
      } catch (IllegalArgumentException e) {
        r.problem("table.route", e.getMessage());
      }
    }
    Map<String, String> schemas =
        r.stringMap(
            SCHEMAS,
            "events_click: click.schema.json",
            "events_click=click.schema.json,events_view=view.schema.json");
    for (String table : schemas.keySet()) {
      r.tableId(SCHEMAS + "." + table, table);
    }
    if (!schemas.isEmpty() && route.isEmpty()) {
      r.problem(SCHEMAS, "only routed tables take their own schema: set table.route too");
    }
    boolean addColumns = r.choice("schema.evolution", "none", "add-columns").equals("add-columns");
    if (addColumns && r.string("mapping.mode").equals("raw")) {
      r.problem(
          "schema.evolution",
          "raw mode keeps the whole payload in one column, so no field becomes a column:"
              + " use mapping.mode typed, or schema.evolution none");
    }
    return new DcpConfig.Table(
        id,
        schema,
        create,
        new TableOptions(partitioning, partitionColumn, clustering),
        addMissingColumns,
        route,
        r.positiveInt("table.routeMaxTables"),
        schemas,
        addColumns);
  }
}

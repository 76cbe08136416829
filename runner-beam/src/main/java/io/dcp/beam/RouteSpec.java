package io.dcp.beam;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Map;

/**
 * The job's tables, from {@code table.route} and {@code schema.evolution} of {@code --configFile}:
 * the route template (empty for none), the bound on tables, the default table, the schema of each
 * routed table that has its own, and whether new fields become columns. The rules are core's {@code
 * Destinations} and {@code TableRoute}, applied by {@link MapMessagesFn}.
 *
 * @param route the {@code table.route} template, or empty: every message goes to the default table
 * @param maxTables {@code table.routeMaxTables}, counted per worker instance of the mapping step
 * @param defaultTable the output table, as core's table id ({@code project.dataset.table})
 * @param schemas BigQuery JSON schema of each routed table with its own, by core table id
 * @param addColumns {@code schema.evolution: add-columns}
 */
record RouteSpec(
    String route,
    int maxTables,
    String defaultTable,
    Map<String, String> schemas,
    boolean addColumns)
    implements Serializable {
  private static final long serialVersionUID = 2L;

  RouteSpec {
    requireNonNull(route, "route");
    requireNonNull(defaultTable, "defaultTable");
    schemas = Map.copyOf(schemas);
  }
}

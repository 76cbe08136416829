package io.dcp.beam;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Map;

/**
 * The job's routing, from {@code table.route} of {@code --configFile}: the template, the bound on
 * tables, the default table and the schema of each routed table that has its own. The rules are
 * core's {@code Destinations} and {@code TableRoute}, applied by {@link MapMessagesFn}.
 *
 * @param route the {@code table.route} template
 * @param maxTables {@code table.routeMaxTables}, counted per worker instance of the mapping step
 * @param defaultTable the output table, as core's table id ({@code project.dataset.table})
 * @param schemas BigQuery JSON schema of each routed table with its own, by core table id
 */
record RouteSpec(String route, int maxTables, String defaultTable, Map<String, String> schemas)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  RouteSpec {
    requireNonNull(route, "route");
    requireNonNull(defaultTable, "defaultTable");
    schemas = Map.copyOf(schemas);
  }
}

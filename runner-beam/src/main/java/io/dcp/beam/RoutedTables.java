package io.dcp.beam;

import com.google.api.services.bigquery.model.TableRow;
import com.google.api.services.bigquery.model.TableSchema;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryHelpers;
import org.apache.beam.sdk.io.gcp.bigquery.DynamicDestinations;
import org.apache.beam.sdk.io.gcp.bigquery.TableDestination;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.ValueInSingleWindow;

/**
 * The table of each row, named by its message ({@link MapMessagesFn#TABLE}), with that table's own
 * schema or the default one (under evolution, the live table's). A routed name without a project
 * takes the output table's.
 */
final class RoutedTables extends DynamicDestinations<KV<TableRow, TableRow>, String> {
  private final RouteSpec routes;
  private final String defaultSchemaJson;
  private final String project;

  RoutedTables(RouteSpec routes, String defaultSchemaJson, String outputTable) {
    this.routes = routes;
    this.defaultSchemaJson = defaultSchemaJson;
    this.project = BigQueryHelpers.parseTableSpec(outputTable).getProjectId();
  }

  @Override
  public String getDestination(ValueInSingleWindow<KV<TableRow, TableRow>> element) {
    return (String) element.getValue().getValue().get(MapMessagesFn.TABLE);
  }

  @Override
  public TableDestination getTable(String table) {
    io.dcp.core.model.TableId id = io.dcp.core.model.TableId.parse(table);
    String tableProject = id.project().isEmpty() ? project : id.project();
    return new TableDestination(tableProject + ":" + id.dataset() + "." + id.table(), null);
  }

  /**
   * The table's schema file; under evolution none, so that BigQueryIO reads the live table's
   * schema, with the columns an earlier run added.
   */
  @Override
  public TableSchema getSchema(String table) {
    if (routes.addColumns()) {
      return null;
    }
    return DcpBeamPipeline.tableSchema(routes.schemas().getOrDefault(table, defaultSchemaJson));
  }
}

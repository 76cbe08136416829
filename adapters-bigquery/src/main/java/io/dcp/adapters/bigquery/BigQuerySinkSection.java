package io.dcp.adapters.bigquery;

import io.dcp.core.config.ChosenSection;
import io.dcp.core.config.SectionReader;
import io.dcp.core.config.SinkType;
import io.dcp.core.model.TableId;
import java.util.function.Supplier;

/**
 * The {@code sink.bigquery} section, which this module owns: the settings of {@link
 * BigQueryWarehouse}, present when {@code sink.type} is {@code bigquery} and every key is right.
 * The project is required then. It also checks that the dead-letter table is none of the
 * destinations, a {@code dataset.table} taken as one of the project's tables, as BigQuery does.
 */
public final class BigQuerySinkSection extends ChosenSection<BigQueryWarehouseSettings> {
  /** The one instance, handed to the config loader. */
  public static final BigQuerySinkSection INSTANCE = new BigQuerySinkSection();

  private BigQuerySinkSection() {
    super("sink.bigquery", r -> r.sinkType() instanceof SinkType.BigQuery);
  }

  @Override
  protected Supplier<BigQueryWarehouseSettings> readKeys(SectionReader r) {
    String project = r.string("project");
    String endpoint = r.string("endpoint");
    String restEndpoint = r.string("restEndpoint");
    return () -> BigQueryWarehouseSettings.of(project, endpoint, restEndpoint);
  }

  @Override
  protected void check(SectionReader r) {
    String project = r.string("project");
    if (project.isEmpty()) {
      r.problem("project", "required when sink.type is bigquery: the project id");
    }
    r.deadLetterTableOfItsOwn(
        (a, b) ->
            projectOf(a, project).equals(projectOf(b, project))
                && a.dataset().equals(b.dataset())
                && a.table().equals(b.table()));
  }

  private static String projectOf(TableId table, String project) {
    return table.project().isEmpty() ? project : table.project();
  }
}

package io.dcp.adapters.bigquery;

import static java.util.Objects.requireNonNull;

/**
 * Settings of a {@link BigQueryWarehouse}.
 *
 * @param storageWrite the Storage Write sink's settings; their project is the warehouse's (tables
 *     without one belong to it, and it is billed)
 * @param restEndpoint an {@code http(s)://host:port} to send REST calls (tables, dead-letter reads)
 *     to instead of BigQuery, with no credentials (tests and local fakes); empty for BigQuery with
 *     Application Default Credentials
 */
public record BigQueryWarehouseSettings(StorageWriteSettings storageWrite, String restEndpoint) {

  public BigQueryWarehouseSettings {
    requireNonNull(storageWrite, "storageWrite");
    requireNonNull(restEndpoint, "restEndpoint");
  }

  /**
   * BigQuery project {@code project} with the default Storage Write settings, its Storage Write
   * calls going to {@code storageWriteEndpoint} ({@code host:port}) and its REST calls to {@code
   * restEndpoint} when they are not empty.
   */
  public static BigQueryWarehouseSettings of(
      String project, String storageWriteEndpoint, String restEndpoint) {
    return new BigQueryWarehouseSettings(
        StorageWriteSettings.defaults(project)
            .withEndpoint(requireNonNull(storageWriteEndpoint, "storageWriteEndpoint")),
        restEndpoint);
  }

  /** Returns the project of this warehouse. */
  public String project() {
    return storageWrite.project();
  }
}

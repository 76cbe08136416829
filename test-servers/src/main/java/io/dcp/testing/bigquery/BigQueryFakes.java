package io.dcp.testing.bigquery;

import java.io.IOException;

/**
 * The Storage Write and REST fakes together, sharing one dataset: what a {@code dcp run} process
 * test writes into, and the {@code source:} and {@code sink:} sections that point such a run at
 * them.
 */
public final class BigQueryFakes implements AutoCloseable {
  public final String project;
  public final FakeBigQueryWriteServer write;
  public final FakeBigQueryRestServer rest;

  private BigQueryFakes(String project, String dataset) throws IOException {
    this.project = project;
    write = FakeBigQueryWriteServer.start();
    rest = FakeBigQueryRestServer.start(write);
    rest.createDataset(project, dataset);
  }

  /** Starts both fakes, with {@code dataset} of {@code project} registered. */
  public static BigQueryFakes start(String project, String dataset) throws IOException {
    return new BigQueryFakes(project, dataset);
  }

  /**
   * A {@code source:} section reading {@code subscription} at {@code pubSubEndpoint} ({@code
   * host:port}) and a {@code sink:} section writing to these fakes, in YAML.
   */
  public String pubSubRunSections(String subscription, String pubSubEndpoint) {
    return """
        source:
          type: pubsub
          pubsub:
            subscription: %s
            endpoint: %s
        sink:
          type: bigquery
          bigquery:
            project: %s
            endpoint: %s
            restEndpoint: %s
        """
        .formatted(subscription, pubSubEndpoint, project, write.endpoint(), rest.url());
  }

  @Override
  public void close() {
    rest.close();
    write.close();
  }
}

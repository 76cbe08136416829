package io.dcp.beam;

import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServices;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryServicesImpl;
import org.apache.beam.sdk.io.gcp.pubsub.PubsubClient;

/**
 * The Google services the job's IO talks to. Production uses {@link #GOOGLE}: PubsubIO's and
 * BigQueryIO's own clients. This is the seam through which tests run the production graph offline:
 * Beam's {@code PubsubTestClient} (PubsubIO's {@code withClientFactory}) and Beam's {@code
 * FakeBigQueryServices} (BigQueryIO's {@code withTestServices}); nothing else in the graph changes.
 *
 * @param pubsubClientFactory the factory PubsubIO reads with, or null for PubsubIO's own
 * @param bigQueryServices the services BigQueryIO and the launcher's table check use, or null for
 *     BigQuery's own
 * @param schemaPatch how {@code schema.evolution} widens a table, or null for BigQuery's {@code
 *     tables.patch} (the dataset service of {@code bigQueryServices} has no schema change)
 */
record IoServices(
    PubsubClient.PubsubClientFactory pubsubClientFactory,
    BigQueryServices bigQueryServices,
    BeamTableAdmin.SchemaPatch schemaPatch) {
  /** Google's own clients, as on Dataflow. */
  static final IoServices GOOGLE = new IoServices(null, null, null);

  /** With BigQuery's {@code tables.patch} for schema changes. */
  IoServices(
      PubsubClient.PubsubClientFactory pubsubClientFactory, BigQueryServices bigQueryServices) {
    this(pubsubClientFactory, bigQueryServices, null);
  }

  /** How schema evolution widens a table: the given patch, else BigQuery's own. */
  BeamTableAdmin.SchemaPatch tablePatch() {
    return schemaPatch != null ? schemaPatch : BeamTableAdmin.TABLES_PATCH;
  }

  /** The BigQuery services to read tables with: the test services, else BigQuery's own. */
  BigQueryServices bigQuery() {
    return bigQueryServices != null ? bigQueryServices : new BigQueryServicesImpl();
  }
}

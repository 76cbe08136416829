package io.dcp.adapters.bigquery;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Settings of the BigQuery Storage Write sink.
 *
 * @param project the project tables without one belong to, and the billing project
 * @param endpoint a {@code host:port} to talk to instead of BigQuery, over plaintext and with no
 *     credentials (tests and local fakes); empty for BigQuery with Application Default Credentials
 * @param maxRequestBytes the largest AppendRows request to send; BigQuery's limit is 10 MB, the
 *     default 9.5 MB leaves room for the request's own fields
 * @param appendTimeout how long to wait for one append's response before the write fails as
 *     transient
 * @param reconnectWindow how long the client library may keep reconnecting a broken stream on its
 *     own before the failure reaches the pipeline's retry policy
 */
public record StorageWriteSettings(
    String project,
    String endpoint,
    long maxRequestBytes,
    Duration appendTimeout,
    Duration reconnectWindow) {

  /** BigQuery's own AppendRows request size limit. */
  public static final long API_MAX_REQUEST_BYTES = 10_000_000L;

  /** The default {@link #maxRequestBytes}: 9.5 MB. */
  public static final long DEFAULT_MAX_REQUEST_BYTES = 9_500_000L;

  public StorageWriteSettings {
    requireNonNull(project, "project");
    requireNonNull(endpoint, "endpoint");
    requireNonNull(appendTimeout, "appendTimeout");
    requireNonNull(reconnectWindow, "reconnectWindow");
    if (maxRequestBytes < 1024 || maxRequestBytes > API_MAX_REQUEST_BYTES) {
      throw new IllegalArgumentException(
          "sink.maxRequestBytes must be between 1024 and "
              + API_MAX_REQUEST_BYTES
              + " (BigQuery's AppendRows limit), got "
              + maxRequestBytes);
    }
    if (appendTimeout.isNegative() || appendTimeout.isZero()) {
      throw new IllegalArgumentException("sink.appendTimeout must be positive: " + appendTimeout);
    }
    if (reconnectWindow.isNegative() || reconnectWindow.isZero()) {
      // Zero would mean "reconnect forever" to the client library.
      throw new IllegalArgumentException(
          "sink.reconnectWindow must be positive: " + reconnectWindow);
    }
  }

  /** BigQuery with ADC, 9.5 MB requests, 60 s append timeout, 1 s reconnect window. */
  public static StorageWriteSettings defaults(String project) {
    return new StorageWriteSettings(
        project, "", DEFAULT_MAX_REQUEST_BYTES, Duration.ofSeconds(60), Duration.ofSeconds(1));
  }

  /** Returns these settings pointed at a plaintext, credential-less endpoint. */
  public StorageWriteSettings withEndpoint(String newEndpoint) {
    return new StorageWriteSettings(
        project, newEndpoint, maxRequestBytes, appendTimeout, reconnectWindow);
  }

  /** Returns these settings with another request size cap. */
  public StorageWriteSettings withMaxRequestBytes(long newMaxRequestBytes) {
    return new StorageWriteSettings(
        project, endpoint, newMaxRequestBytes, appendTimeout, reconnectWindow);
  }

  /** Returns true when an endpoint override is set. */
  public boolean hasEndpointOverride() {
    return !endpoint.isEmpty();
  }
}

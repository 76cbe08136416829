package io.dcp.adapters.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * Settings of an {@link HttpPublishSource}, the {@code source.http} section.
 *
 * @param host the address the publish endpoint binds
 * @param port the port it listens on
 * @param topics the topic names publishes may name; empty: the runner names one after the table
 * @param maxRequestBytes the request body limit
 * @param token the bearer token requests must carry, empty for none; never printed
 * @param ackTimeout how long a request waits for its messages to be committed
 */
public record HttpSourceSettings(
    String host,
    int port,
    List<String> topics,
    long maxRequestBytes,
    String token,
    Duration ackTimeout) {
  public HttpSourceSettings {
    requireNonNull(host, "host");
    topics = List.copyOf(topics);
    requireNonNull(token, "token");
    requireNonNull(ackTimeout, "ackTimeout");
  }

  /** Never prints the token. */
  @Override
  public String toString() {
    return "HttpSourceSettings[http="
        + host
        + ":"
        + port
        + ", topics="
        + topics
        + ", maxRequestBytes="
        + maxRequestBytes
        + ", token="
        + (token.isEmpty() ? "none" : "****")
        + ", ackTimeout="
        + ackTimeout
        + "]";
  }
}

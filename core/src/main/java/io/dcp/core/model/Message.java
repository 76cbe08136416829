package io.dcp.core.model;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * A message as delivered by a source: the payload bytes and the metadata Pub/Sub attaches to them.
 *
 * <p>The payload array is copied on the way in and on the way out, so a message can be shared
 * across threads. {@code orderingKey} is empty when the message has none (as in Pub/Sub), and
 * {@code deliveryAttempt} is 0 when the source does not count attempts.
 *
 * @param id the source's message id, unique per topic
 * @param data the payload bytes, expected to be UTF-8 JSON but not guaranteed to be
 * @param attributes the message attributes
 * @param publishTime when the publisher's message was accepted by the source
 * @param orderingKey the ordering key, or empty
 * @param deliveryAttempt how many times this message was delivered, 1 for the first, 0 unknown
 */
public record Message(
    String id,
    byte[] data,
    Map<String, String> attributes,
    Instant publishTime,
    String orderingKey,
    int deliveryAttempt) {

  public Message {
    requireNonNull(id, "id");
    data = requireNonNull(data, "data").clone();
    attributes = Map.copyOf(requireNonNull(attributes, "attributes"));
    requireNonNull(publishTime, "publishTime");
    requireNonNull(orderingKey, "orderingKey");
    if (deliveryAttempt < 0) {
      throw new IllegalArgumentException("deliveryAttempt must be >= 0: " + deliveryAttempt);
    }
  }

  /** A message with no attributes, no ordering key and an unknown delivery attempt. */
  public static Message of(String id, byte[] data, Instant publishTime) {
    return new Message(id, data, Map.of(), publishTime, "", 0);
  }

  /** A message whose payload is the UTF-8 encoding of {@code json}, handy in tests and tools. */
  public static Message ofUtf8(String id, String json, Instant publishTime) {
    return of(id, json.getBytes(StandardCharsets.UTF_8), publishTime);
  }

  /** Returns a copy of the payload bytes. */
  @Override
  public byte[] data() {
    return data.clone();
  }

  /** Returns the payload length without copying it. */
  public int size() {
    return data.length;
  }

  /** Returns the payload bytes without copying them; callers must not modify the array. */
  public byte[] dataUnsafe() {
    return data;
  }

  /** Returns the same message with {@code deliveryAttempt} replaced. */
  public Message withDeliveryAttempt(int attempt) {
    return new Message(id, data, attributes, publishTime, orderingKey, attempt);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Message m
        && id.equals(m.id)
        && Arrays.equals(data, m.data)
        && attributes.equals(m.attributes)
        && publishTime.equals(m.publishTime)
        && orderingKey.equals(m.orderingKey)
        && deliveryAttempt == m.deliveryAttempt;
  }

  @Override
  public int hashCode() {
    return 31 * id.hashCode() + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Message[id="
        + id
        + ", bytes="
        + data.length
        + ", attributes="
        + attributes.keySet()
        + ", publishTime="
        + publishTime
        + "]";
  }
}

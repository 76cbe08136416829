package io.dcp.adapters.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.core.model.Message;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads the body of a Pub/Sub REST publish request ({@code {"messages":[{"data":"<base64>",
 * "attributes":{...},"orderingKey":"..."}]}}) into messages, accepting and refusing what Pub/Sub
 * does: attributes without data, standard or URL-safe base64, the proto field names as well as the
 * JSON ones; no messages, over {@value #MAX_MESSAGES} messages, over 10 MiB of decoded data, a
 * message with neither data nor attributes, or an unknown field is refused with Pub/Sub's message.
 * Each message gets a new id, unique in this process, and the clock's time as its publish time.
 * Thread-safe.
 */
final class PublishRequestParser {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The fields of a PubsubMessage, as JSON and as proto names; ids and times are the service's. */
  private static final Set<String> MESSAGE_FIELDS =
      Set.of(
          "data",
          "attributes",
          "orderingKey",
          "ordering_key",
          "messageId",
          "message_id",
          "publishTime",
          "publish_time");

  /** Pub/Sub's limits on one publish request. */
  static final int MAX_MESSAGES = 1_000;

  static final long MAX_DATA_BYTES = 10L * 1024 * 1024;

  private final Clock clock;
  private final AtomicLong ids = new AtomicLong();
  private final String idPrefix = Long.toString(System.currentTimeMillis(), 36) + "-";

  PublishRequestParser(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * The messages of a request body.
   *
   * @throws IllegalArgumentException with the message a 400 answer carries, when Pub/Sub would
   *     refuse the request
   */
  List<Message> messages(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is unreadable: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("Payload isn't valid for request.");
    }
    unknownFields(root, Set.of("messages"), "the body");
    JsonNode list = root.get("messages");
    if (list == null || list.isNull() || (list.isArray() && list.isEmpty())) {
      throw new IllegalArgumentException("No messages to publish");
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException("\"messages\" must be an array");
    }
    if (list.size() > MAX_MESSAGES) {
      throw new IllegalArgumentException("Too many messages to publish");
    }
    List<Message> messages = new ArrayList<>(list.size());
    long dataBytes = 0;
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      if (!item.isObject()) {
        throw new IllegalArgumentException("messages[" + i + "] must be an object");
      }
      unknownFields(item, MESSAGE_FIELDS, "messages[" + i + "]");
      byte[] bytes = data(item.get("data"), i);
      dataBytes += bytes.length;
      if (dataBytes > MAX_DATA_BYTES) {
        throw new IllegalArgumentException(
            "Request payload size exceeds the limit: " + MAX_DATA_BYTES + " bytes.");
      }
      Map<String, String> attributes = attributes(item.get("attributes"), i);
      if (bytes.length == 0 && attributes.isEmpty()) {
        throw new IllegalArgumentException("Some messages are empty");
      }
      JsonNode key = item.has("orderingKey") ? item.get("orderingKey") : item.get("ordering_key");
      messages.add(
          new Message(
              idPrefix + ids.incrementAndGet(),
              bytes,
              attributes,
              clock.instant(),
              key == null || key.isNull() ? "" : key.asText(),
              1));
    }
    return messages;
  }

  /** Pub/Sub refuses a field it does not know, in either spelling. */
  private static void unknownFields(JsonNode node, Set<String> known, String where) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(
            "Invalid JSON payload received. Unknown name \"" + name + "\" in " + where);
      }
    }
  }

  /** Pub/Sub's JSON takes standard and URL-safe base64, padded or not. */
  private static byte[] data(JsonNode data, int i) {
    if (data == null || data.isNull()) {
      return new byte[0];
    }
    if (!data.isTextual()) {
      throw new IllegalArgumentException("messages[" + i + "].data must be a base64 string");
    }
    String text = data.textValue();
    try {
      return text.indexOf('-') >= 0 || text.indexOf('_') >= 0
          ? Base64.getUrlDecoder().decode(text)
          : Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("messages[" + i + "].data is not valid base64");
    }
  }

  private static Map<String, String> attributes(JsonNode attrs, int i) {
    Map<String, String> attributes = new HashMap<>();
    if (attrs == null || attrs.isNull()) {
      return attributes;
    }
    if (!attrs.isObject()) {
      throw new IllegalArgumentException(
          "messages[" + i + "].attributes must be an object of strings");
    }
    Iterator<Map.Entry<String, JsonNode>> it = attrs.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isValueNode() || e.getValue().isNull()) {
        throw new IllegalArgumentException(
            "messages[" + i + "].attributes." + e.getKey() + " must be a string");
      }
      attributes.put(e.getKey(), e.getValue().asText());
    }
    return attributes;
  }
}

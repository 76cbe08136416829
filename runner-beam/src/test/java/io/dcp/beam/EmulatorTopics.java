package io.dcp.beam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dcp.testing.emulator.PubSubEmulator;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Topics and subscriptions on Google's Pub/Sub emulator, made and published to over its REST API,
 * the API PubsubIO's own client speaks. Names are unique per call: the emulator is shared by the
 * test JVM.
 */
final class EmulatorTopics {
  static final String PROJECT = "dcp-test";
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private final String root;
  final String topic;
  final String subscription;

  private EmulatorTopics(String root, String topic, String subscription) {
    this.root = root;
    this.topic = topic;
    this.subscription = subscription;
  }

  /** A new topic with one subscription (message ordering on), on {@code emulator}. */
  static EmulatorTopics create(PubSubEmulator emulator) throws IOException, InterruptedException {
    String name = "events-" + NAMES.incrementAndGet() + "-" + System.nanoTime();
    String topic = "projects/" + PROJECT + "/topics/" + name;
    String subscription = "projects/" + PROJECT + "/subscriptions/" + name + "-dcp";
    EmulatorTopics topics = new EmulatorTopics(emulator.restRoot(), topic, subscription);
    topics.put(topic, JSON.createObjectNode());
    ObjectNode body = JSON.createObjectNode().put("topic", topic).put("ackDeadlineSeconds", 60);
    body.put("enableMessageOrdering", true);
    topics.put(subscription, body);
    return topics;
  }

  /** Publishes {@code messages} in order; returns the ids the emulator gave them. */
  List<String> publish(List<TestTopics.Published> messages)
      throws IOException, InterruptedException {
    List<String> ids = new ArrayList<>();
    for (int start = 0; start < messages.size(); start += 100) {
      ArrayNode batch = JSON.createArrayNode();
      for (TestTopics.Published p :
          messages.subList(start, Math.min(messages.size(), start + 100))) {
        ObjectNode m = batch.addObject();
        m.put("data", Base64.getEncoder().encodeToString(p.data()));
        ObjectNode attributes = m.putObject("attributes");
        for (Map.Entry<String, String> a : p.attributes().entrySet()) {
          attributes.put(a.getKey(), a.getValue());
        }
        if (!p.orderingKey().isEmpty()) {
          m.put("orderingKey", p.orderingKey());
        }
      }
      ObjectNode body = JSON.createObjectNode();
      body.set("messages", batch);
      JsonNode answer = send("POST", topic + ":publish", body);
      for (JsonNode id : answer.get("messageIds")) {
        ids.add(id.asText());
      }
    }
    return ids;
  }

  /**
   * A new topic with one subscription, for the job's dead letters; returns the topic and its
   * subscription on {@code emulator}.
   */
  static EmulatorTopics createPlain(PubSubEmulator emulator)
      throws IOException, InterruptedException {
    String name = "dead-letters-" + NAMES.incrementAndGet() + "-" + System.nanoTime();
    String topic = "projects/" + PROJECT + "/topics/" + name;
    String subscription = "projects/" + PROJECT + "/subscriptions/" + name + "-replay";
    EmulatorTopics topics = new EmulatorTopics(emulator.restRoot(), topic, subscription);
    topics.put(topic, JSON.createObjectNode());
    topics.put(subscription, JSON.createObjectNode().put("topic", topic));
    return topics;
  }

  /** Pulls up to 100 messages of the subscription, as the REST API returns them. */
  List<JsonNode> pull() throws IOException, InterruptedException {
    JsonNode answer =
        send("POST", subscription + ":pull", JSON.createObjectNode().put("maxMessages", 100));
    List<JsonNode> messages = new ArrayList<>();
    if (answer.has("receivedMessages")) {
      for (JsonNode received : answer.get("receivedMessages")) {
        messages.add(received.get("message"));
      }
    }
    return messages;
  }

  private void put(String path, ObjectNode body) throws IOException, InterruptedException {
    send("PUT", path, body);
  }

  private JsonNode send(String method, String path, ObjectNode body)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(root + "/v1/" + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200) {
      throw new IOException(
          method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }
}

package io.dcp.adapters.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;

/** Writes the endpoint's JSON answers: a body, or an error in Google's shape. */
final class JsonReplies {
  private static final ObjectMapper JSON = new ObjectMapper();

  private JsonReplies() {}

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** {@code {"error":{"code":...,"message":...,"status":...}}}, as Google's APIs answer. */
  static void error(HttpExchange exchange, int code, String status, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", message);
    error.put("status", status);
    send(exchange, code, body);
  }

  /** Sends {@code body} with {@code code}; the response is complete when this returns. */
  static void send(HttpExchange exchange, int code, ObjectNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

package io.dcp.adapters.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP endpoint that speaks Pub/Sub's REST publish call, so any HTTP client or Pub/Sub REST
 * producer can feed the local pipeline: {@code POST /v1/projects/{p}/topics/{t}:publish} with
 * {@code {"messages":[{"data":"<base64>","attributes":{...},"orderingKey":"..."}]}}.
 *
 * <p>It answers {@code 200 {"messageIds":[...]}} only once every message of the request was acked
 * by the pipeline (its row or dead letter committed); if one was nacked, or the wait passed, it
 * answers 503 in Google's error shape so the client retries. 400 for a malformed body, 401 for a
 * missing or wrong bearer token when one is configured, 404, 405, 413 past the request size limit,
 * 503 when the pipeline is full. Binds to loopback unless told otherwise.
 */
public final class HttpPublishSource implements MessageSource {
  private static final Logger LOG = LoggerFactory.getLogger(HttpPublishSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PATH =
      Pattern.compile("/v1/projects/([^/]+)/topics/([^/:]+):publish");

  private final String host;
  private final int port;
  private final long maxRequestBytes;
  private final byte[] token;
  private final Duration ackTimeout;
  private final Clock clock;
  private final Semaphore room;
  private final AtomicLong ids = new AtomicLong();
  private final String idPrefix = Long.toString(System.currentTimeMillis(), 36) + "-";
  private final CompletableFuture<Void> exhausted = new CompletableFuture<>();
  private HttpServer server;
  private ExecutorService threads;
  private volatile MessageReceiver receiver;
  private volatile boolean stopped;

  /**
   * @param host the address to bind; 127.0.0.1 keeps the endpoint private to the machine
   * @param port the port, 0 for any free one (see {@link #port()})
   * @param maxRequestBytes larger request bodies get 413
   * @param token the bearer token requests must carry, or empty for none
   * @param maxPending messages accepted and not yet settled before requests get 503
   * @param ackTimeout how long a request waits for its messages to be committed
   */
  public HttpPublishSource(
      String host,
      int port,
      long maxRequestBytes,
      String token,
      int maxPending,
      Duration ackTimeout,
      Clock clock) {
    this.host = requireNonNull(host, "host");
    this.port = port;
    this.maxRequestBytes = maxRequestBytes;
    this.token = requireNonNull(token, "token").getBytes(StandardCharsets.UTF_8);
    this.room = new Semaphore(maxPending);
    this.ackTimeout = requireNonNull(ackTimeout, "ackTimeout");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public void start(MessageReceiver messageReceiver) throws SourceException {
    this.receiver = requireNonNull(messageReceiver, "receiver");
    try {
      server = HttpServer.create(new InetSocketAddress(host, port), 128);
    } catch (IOException e) {
      throw new SourceException(
          "source.http: cannot listen on "
              + host
              + ":"
              + port
              + ": "
              + e.getMessage()
              + " (choose another source.http.port)",
          e);
    }
    threads =
        Executors.newFixedThreadPool(
            16,
            r -> {
              Thread t = new Thread(r, "dcp-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("publish endpoint on http://{}:{}/v1/projects/*/topics/*:publish", host, port());
  }

  /** The bound port, useful when 0 was asked for. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      Matcher path = PATH.matcher(exchange.getRequestURI().getPath());
      if (!path.matches()) {
        error(
            exchange,
            404,
            "NOT_FOUND",
            "no such resource; POST to /v1/projects/{project}/topics/{topic}:publish");
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        error(exchange, 405, "METHOD_NOT_ALLOWED", "use POST");
        return;
      }
      if (token.length > 0 && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        error(exchange, 401, "UNAUTHENTICATED", "missing or wrong bearer token");
        return;
      }
      if (stopped) {
        error(exchange, 503, "UNAVAILABLE", "the pipeline is stopping; retry later");
        return;
      }
      byte[] body = readLimited(exchange.getRequestBody());
      if (body == null) {
        error(
            exchange,
            413,
            "INVALID_ARGUMENT",
            "request body over the limit of " + maxRequestBytes + " bytes");
        return;
      }
      List<Message> messages;
      try {
        messages = parse(body);
      } catch (IllegalArgumentException e) {
        error(exchange, 400, "INVALID_ARGUMENT", e.getMessage());
        return;
      }
      publish(exchange, messages);
    } catch (IOException e) {
      LOG.debug("publish request failed: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void publish(HttpExchange exchange, List<Message> messages)
      throws IOException, InterruptedException {
    if (!room.tryAcquire(messages.size(), 1, TimeUnit.SECONDS)) {
      error(exchange, 503, "UNAVAILABLE", "the pipeline is full; retry with backoff");
      return;
    }
    List<CompletableFuture<Boolean>> settled = new ArrayList<>(messages.size());
    try {
      for (Message message : messages) {
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        settled.add(outcome);
        receiver.receive(message, settling(outcome));
      }
      CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new))
          .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      error(exchange, 503, "UNAVAILABLE", "the messages were not committed in time; retry");
      return;
    } finally {
      room.release(messages.size());
    }
    if (settled.stream().anyMatch(f -> !f.join())) {
      error(exchange, 503, "UNAVAILABLE", "some messages could not be stored; retry the request");
      return;
    }
    ObjectNode response = JSON.createObjectNode();
    messages.forEach(m -> response.withArray("messageIds").add(m.id()));
    send(exchange, 200, JSON.writeValueAsBytes(response));
  }

  private static Acknowledger settling(CompletableFuture<Boolean> outcome) {
    return new Acknowledger() {
      @Override
      public void ack() {
        outcome.complete(true);
      }

      @Override
      public void nack() {
        outcome.complete(false);
      }
    };
  }

  private List<Message> parse(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException("the body is not JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is unreadable: " + e.getMessage());
    }
    JsonNode list = root == null ? null : root.get("messages");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException("the body needs a non-empty \"messages\" array");
    }
    List<Message> messages = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      JsonNode item = list.get(i);
      JsonNode data = item.get("data");
      if (data == null || !data.isTextual()) {
        throw new IllegalArgumentException("messages[" + i + "].data is missing: a base64 string");
      }
      byte[] bytes;
      try {
        bytes = Base64.getDecoder().decode(data.textValue());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("messages[" + i + "].data is not valid base64");
      }
      Map<String, String> attributes = new HashMap<>();
      JsonNode attrs = item.get("attributes");
      if (attrs != null && !attrs.isNull()) {
        if (!attrs.isObject()) {
          throw new IllegalArgumentException(
              "messages[" + i + "].attributes must be an object of strings");
        }
        Iterator<Map.Entry<String, JsonNode>> it = attrs.fields();
        while (it.hasNext()) {
          Map.Entry<String, JsonNode> e = it.next();
          if (!e.getValue().isTextual()) {
            throw new IllegalArgumentException(
                "messages[" + i + "].attributes." + e.getKey() + " must be a string");
          }
          attributes.put(e.getKey(), e.getValue().textValue());
        }
      }
      JsonNode key = item.get("orderingKey");
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

  private boolean authorized(String header) {
    if (header == null || !header.startsWith("Bearer ")) {
      return false;
    }
    return MessageDigest.isEqual(header.substring(7).getBytes(StandardCharsets.UTF_8), token);
  }

  private byte[] readLimited(InputStream in) throws IOException {
    byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBytes + 1));
    return body.length > maxRequestBytes ? null : body;
  }

  private static void error(HttpExchange exchange, int code, String status, String message)
      throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", message);
    error.put("status", status);
    send(exchange, code, JSON.writeValueAsBytes(body));
  }

  private static void send(HttpExchange exchange, int code, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(code, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public CompletionStage<Void> exhausted() {
    return exhausted;
  }

  @Override
  public void stop() {
    stopped = true;
  }

  @Override
  public void close() {
    stopped = true;
    if (server != null) {
      server.stop(0);
      threads.shutdownNow();
    }
  }
}

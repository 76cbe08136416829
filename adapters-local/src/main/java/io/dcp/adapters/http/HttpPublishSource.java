package io.dcp.adapters.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dcp.core.model.Message;
import io.dcp.core.port.Acknowledger;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.ReceiveGate;
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
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP endpoint that speaks Pub/Sub's REST publish call, so any HTTP client or Pub/Sub REST
 * producer can feed the local pipeline: {@code POST /v1/projects/{p}/topics/{t}:publish} with
 * {@code {"messages":[{"data":"<base64>","attributes":{...},"orderingKey":"..."}]}}, and {@code GET
 * /v1/projects/{p}/topics/{t}} ({@code topics.get}, which clients call first).
 *
 * <p>It accepts what Pub/Sub accepts and refuses what it refuses, with its status codes and error
 * shape: a body {@link PublishRequestParser} refuses (400); a topic not configured (404). It
 * answers {@code 200 {"messageIds":[...]}} only once every message of the request was acked by the
 * pipeline (its row or dead letter committed); 503 when one was nacked or the pipeline is full or
 * stopping (nothing of the request is stored: retry); 504 when the wait passed {@code ackTimeout}
 * before every outcome was known (the messages may still be stored: a retry can store them twice,
 * under new ids). 401 for a missing or wrong bearer token when one is configured, 405, 413 past the
 * body limit. A request body must arrive within {@link #READ_TIMEOUT_SECONDS}, so slow clients
 * cannot hold the threads others need. Binds to loopback unless told otherwise.
 */
public final class HttpPublishSource implements MessageSource {
  private static final Logger LOG = LoggerFactory.getLogger(HttpPublishSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PUBLISH =
      Pattern.compile("/v1/projects/([^/]+)/topics/([^/:]+):publish");
  private static final Pattern TOPIC = Pattern.compile("/v1/projects/([^/]+)/topics/([^/:]+)");

  /**
   * How long a client may take to send a request: the JDK server closes a connection whose request
   * has not arrived whole by then. The JDK reads it once per process, from a system property set
   * here unless the process set it itself.
   */
  static final long READ_TIMEOUT_SECONDS = 30;

  private static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";

  /** Threads serving requests; each one waiting for a commit or a slow body holds one. */
  private static final int THREADS = 64;

  private final String host;
  private final Set<String> topics;
  private final Set<CompletableFuture<Boolean>> waiting = ConcurrentHashMap.newKeySet();
  private final int port;
  private final long maxRequestBytes;
  private final byte[] token;
  private final Duration ackTimeout;
  private final PublishRequestParser parser;
  private final Semaphore room;
  private final CompletableFuture<Void> exhausted = new CompletableFuture<>();
  private HttpServer server;
  private ExecutorService threads;
  private volatile MessageReceiver receiver;
  private volatile boolean stopped;
  private final ReceiveGate gate = new ReceiveGate();

  /**
   * @param host the address to bind; 127.0.0.1 keeps the endpoint private to the machine
   * @param port the port, 0 for any free one (see {@link #port()})
   * @param topics the topic names (the last part of {@code projects/P/topics/T}) it publishes to,
   *     in any project; others get 404
   * @param maxRequestBytes request bodies larger than this, as base64 text, get 413; Pub/Sub's own
   *     limit of 10 MiB of decoded data applies besides
   * @param token the bearer token requests must carry, or empty for none
   * @param maxPending messages accepted and not yet settled before requests get 503
   * @param ackTimeout how long a request waits for its messages to be committed
   */
  public HttpPublishSource(
      String host,
      int port,
      Set<String> topics,
      long maxRequestBytes,
      String token,
      int maxPending,
      Duration ackTimeout,
      Clock clock) {
    this.host = requireNonNull(host, "host");
    this.topics = Set.copyOf(topics);
    if (this.topics.isEmpty()) {
      throw new IllegalArgumentException("topics: name at least one topic");
    }
    this.port = port;
    this.maxRequestBytes = maxRequestBytes;
    this.token = requireNonNull(token, "token").getBytes(StandardCharsets.UTF_8);
    this.room = new Semaphore(maxPending);
    this.ackTimeout = requireNonNull(ackTimeout, "ackTimeout");
    this.parser = new PublishRequestParser(clock);
  }

  @Override
  public void start(MessageReceiver messageReceiver) throws SourceException {
    this.receiver = requireNonNull(messageReceiver, "receiver");
    if (System.getProperty(MAX_REQUEST_TIME) == null) {
      System.setProperty(MAX_REQUEST_TIME, Long.toString(READ_TIMEOUT_SECONDS));
    }
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
            THREADS,
            r -> {
              Thread t = new Thread(r, "dcp-http");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(threads);
    server.createContext("/", this::handle);
    server.start();
    LOG.info(
        "publish endpoint on http://{}:{}/v1/projects/*/topics/{{}}:publish",
        host,
        port(),
        String.join(",", new TreeSet<>(topics)));
  }

  /** The bound port, useful when 0 was asked for. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      String uri = exchange.getRequestURI().getPath();
      Matcher path = PUBLISH.matcher(uri);
      Matcher topicPath = TOPIC.matcher(uri);
      boolean publishing = path.matches();
      if (!publishing && !topicPath.matches()) {
        error(
            exchange,
            404,
            "NOT_FOUND",
            "no such resource; POST to /v1/projects/{project}/topics/{topic}:publish");
        return;
      }
      Matcher named = publishing ? path : topicPath;
      if (token.length > 0 && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        error(exchange, 401, "UNAUTHENTICATED", "missing or wrong bearer token");
        return;
      }
      if (!topics.contains(named.group(2))) {
        error(exchange, 404, "NOT_FOUND", "Topic not found");
        return;
      }
      if (!publishing) {
        if (!exchange.getRequestMethod().equals("GET")) {
          exchange.getResponseHeaders().set("Allow", "GET");
          error(exchange, 405, "METHOD_NOT_ALLOWED", "use GET");
          return;
        }
        ObjectNode topic = JSON.createObjectNode();
        topic.put("name", "projects/" + named.group(1) + "/topics/" + named.group(2));
        send(exchange, 200, JSON.writeValueAsBytes(topic));
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        error(exchange, 405, "METHOD_NOT_ALLOWED", "use POST");
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
        messages = parser.messages(body);
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
    if (!gate.enter()) {
      room.release(messages.size());
      error(exchange, 503, "UNAVAILABLE", "the pipeline is stopping; retry later");
      return;
    }
    List<CompletableFuture<Boolean>> settled = new ArrayList<>(messages.size());
    CompletableFuture<Boolean> closing = new CompletableFuture<>();
    waiting.add(closing);
    try {
      try {
        for (Message message : messages) {
          CompletableFuture<Boolean> outcome = new CompletableFuture<>();
          settled.add(outcome);
          receiver.receive(message, settling(outcome));
        }
      } finally {
        gate.exit();
      }
      CompletableFuture.anyOf(
              CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new)), closing)
          .get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
      unknownOutcome(exchange, settled);
      return;
    } finally {
      waiting.remove(closing);
      room.release(messages.size());
    }
    if (!settled.stream().allMatch(CompletableFuture::isDone)) {
      if (settled.stream().anyMatch(f -> f.isDone() && !f.join())) {
        error(exchange, 503, "UNAVAILABLE", "some messages could not be stored; retry the request");
      } else {
        error(
            exchange,
            503,
            "UNAVAILABLE",
            "the pipeline stopped before every message of the request was confirmed; some may"
                + " have been stored: a retry can store them twice");
      }
      return;
    }
    if (settled.stream().anyMatch(f -> !f.join())) {
      error(exchange, 503, "UNAVAILABLE", "some messages could not be stored; retry the request");
      return;
    }
    ObjectNode response = JSON.createObjectNode();
    messages.forEach(m -> response.withArray("messageIds").add(m.id()));
    send(exchange, 200, JSON.writeValueAsBytes(response));
  }

  /** 504: the wait ended before every outcome was known; says what is known, never "not stored". */
  private void unknownOutcome(HttpExchange exchange, List<CompletableFuture<Boolean>> settled)
      throws IOException {
    if (settled.stream().anyMatch(f -> f.isDone() && !f.join())) {
      error(exchange, 503, "UNAVAILABLE", "some messages could not be stored; retry the request");
      return;
    }
    long confirmed = settled.stream().filter(CompletableFuture::isDone).count();
    error(
        exchange,
        504,
        "DEADLINE_EXCEEDED",
        confirmed
            + " of "
            + settled.size()
            + " messages were confirmed within source.http.ackTimeout ("
            + ackTimeout.toMillis()
            + " ms); the others are still being stored and may land: a retry can store them"
            + " twice, under new message ids");
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

  /** Answers new requests 503; returns once no request is inside a {@code receive} call. */
  @Override
  public void stop() {
    stopped = true;
    gate.close();
  }

  @Override
  public void close() {
    stopped = true;
    gate.close();
    // Requests still waiting are answered 503 before the server goes.
    waiting.forEach(w -> w.complete(false));
    if (server != null) {
      // Up to a second for those answers to be written.
      server.stop(1);
      threads.shutdownNow();
    }
  }
}

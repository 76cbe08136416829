package io.dcp.adapters.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dcp.core.model.Message;
import io.dcp.core.port.MessageReceiver;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.ReceiveGate;
import io.dcp.core.port.SourceException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>No thread waits for a commit: a request is read and parsed on one of {@link #READ_THREADS}
 * threads, its messages are handed to the pipeline, and that thread goes back to reading; the
 * answer is written from the messages' acks ({@link PendingPublish}), over the same keep-alive
 * connection. What bounds the requests waiting at once is the messages they carry: at most {@code
 * maxPending} (the pipeline's {@code maxInFlightMessages}) are accepted and unsettled; a request
 * that finds no room within a second gets 503.
 */
public final class HttpPublishSource implements MessageSource {
  private static final Logger LOG = LoggerFactory.getLogger(HttpPublishSource.class);
  private static final Pattern PUBLISH =
      Pattern.compile("/v1/projects/([^/]+)/topics/([^/:]+):publish");
  private static final Pattern TOPIC = Pattern.compile("/v1/projects/([^/]+)/topics/([^/:]+)");

  /**
   * How long a client may take to send a request: the JDK server closes a connection whose request
   * has not arrived whole by then. The JDK reads it once per process, when its first server is
   * made, from a system property set by the constructor unless the process set it itself: a source
   * is made before any server starts (the admin server comes after the pipeline it reports on).
   */
  static final long READ_TIMEOUT_SECONDS = 30;

  private static final String MAX_REQUEST_TIME = "sun.net.httpserver.maxReqTime";

  /**
   * The JDK server writes an answer's headers and body in separate packets; with Nagle's algorithm
   * on, the body waits for the client's delayed ACK (40 ms on Linux) on every request of a
   * keep-alive connection. Read once per process, like {@link #MAX_REQUEST_TIME}.
   */
  private static final String NO_DELAY = "sun.net.httpserver.nodelay";

  /**
   * Threads reading and parsing requests. A request waiting for its commit holds none; a client
   * sending its request slowly holds one, for at most {@link #READ_TIMEOUT_SECONDS}.
   */
  static final int READ_THREADS = 64;

  /** Threads writing answers once the outcomes are known, so the pipeline's threads never do. */
  private static final int ANSWER_THREADS = 2;

  private final String host;
  private final Set<String> topics;
  private final Set<PendingPublish> waiting = ConcurrentHashMap.newKeySet();
  private final int port;
  private final long maxRequestBytes;
  private final byte[] token;
  private final Duration ackTimeout;
  private final PublishRequestParser parser;
  private final Semaphore room;
  private final CompletableFuture<Void> exhausted = new CompletableFuture<>();
  private HttpServer server;
  private ExecutorService reading;
  private ExecutorService answering;
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
   * @param maxPending messages accepted and not yet settled before requests get 503: the bound on
   *     concurrent requests, whatever the number of threads
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
    if (System.getProperty(MAX_REQUEST_TIME) == null) {
      System.setProperty(MAX_REQUEST_TIME, Long.toString(READ_TIMEOUT_SECONDS));
    }
    if (System.getProperty(NO_DELAY) == null) {
      System.setProperty(NO_DELAY, "true");
    }
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
    reading = Executors.newFixedThreadPool(READ_THREADS, daemon("dcp-http"));
    answering = Executors.newFixedThreadPool(ANSWER_THREADS, daemon("dcp-http-answer"));
    server.setExecutor(reading);
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
    boolean handedOver = false;
    try {
      handedOver = route(exchange);
    } catch (IOException e) {
      LOG.debug("publish request failed: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (!handedOver) {
        exchange.close();
      }
    }
  }

  /** Answers the request, or hands its messages over and returns true: it is answered later. */
  private boolean route(HttpExchange exchange) throws IOException, InterruptedException {
    String uri = exchange.getRequestURI().getPath();
    Matcher path = PUBLISH.matcher(uri);
    Matcher topicPath = TOPIC.matcher(uri);
    boolean publishing = path.matches();
    if (!publishing && !topicPath.matches()) {
      JsonReplies.error(
          exchange,
          404,
          "NOT_FOUND",
          "no such resource; POST to /v1/projects/{project}/topics/{topic}:publish");
      return false;
    }
    Matcher named = publishing ? path : topicPath;
    if (token.length > 0 && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
      JsonReplies.error(exchange, 401, "UNAUTHENTICATED", "missing or wrong bearer token");
      return false;
    }
    if (!topics.contains(named.group(2))) {
      JsonReplies.error(exchange, 404, "NOT_FOUND", "Topic not found");
      return false;
    }
    if (!publishing) {
      if (!exchange.getRequestMethod().equals("GET")) {
        exchange.getResponseHeaders().set("Allow", "GET");
        JsonReplies.error(exchange, 405, "METHOD_NOT_ALLOWED", "use GET");
        return false;
      }
      ObjectNode topic = JsonReplies.object();
      topic.put("name", "projects/" + named.group(1) + "/topics/" + named.group(2));
      JsonReplies.send(exchange, 200, topic);
      return false;
    }
    if (!exchange.getRequestMethod().equals("POST")) {
      exchange.getResponseHeaders().set("Allow", "POST");
      JsonReplies.error(exchange, 405, "METHOD_NOT_ALLOWED", "use POST");
      return false;
    }
    if (stopped) {
      JsonReplies.error(exchange, 503, "UNAVAILABLE", "the pipeline is stopping; retry later");
      return false;
    }
    byte[] body = readLimited(exchange.getRequestBody());
    if (body == null) {
      JsonReplies.error(
          exchange,
          413,
          "INVALID_ARGUMENT",
          "request body over the limit of " + maxRequestBytes + " bytes");
      return false;
    }
    List<Message> messages;
    try {
      messages = parser.messages(body);
    } catch (IllegalArgumentException e) {
      JsonReplies.error(exchange, 400, "INVALID_ARGUMENT", e.getMessage());
      return false;
    }
    return publish(exchange, messages);
  }

  /**
   * Hands the messages to the pipeline and returns true once the answer is left to their outcomes;
   * answers at once and returns false when there is no room or the source is stopping.
   */
  private boolean publish(HttpExchange exchange, List<Message> messages)
      throws IOException, InterruptedException {
    if (!room.tryAcquire(messages.size(), 1, TimeUnit.SECONDS)) {
      JsonReplies.error(exchange, 503, "UNAVAILABLE", "the pipeline is full; retry with backoff");
      return false;
    }
    if (!gate.enter()) {
      room.release(messages.size());
      JsonReplies.error(exchange, 503, "UNAVAILABLE", "the pipeline is stopping; retry later");
      return false;
    }
    PendingPublish pending = new PendingPublish(exchange, messages, ackTimeout);
    waiting.add(pending);
    try {
      for (Message message : messages) {
        receiver.receive(message, pending.nextAcknowledger());
      }
    } catch (InterruptedException e) {
      // The rest was not handed over: the answer says so (503) once the others are settled.
      pending.nextAcknowledger().nack();
      Thread.currentThread().interrupt();
    } finally {
      gate.exit();
    }
    pending
        .answered()
        .whenCompleteAsync(
            (done, error) -> {
              waiting.remove(pending);
              room.release(messages.size());
              pending.answer(error);
            },
            answering);
    return true;
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
    waiting.forEach(PendingPublish::close);
    if (server != null) {
      // Up to a second for those answers to be written.
      server.stop(1);
      reading.shutdownNow();
      answering.shutdownNow();
    }
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}

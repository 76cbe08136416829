package io.dcp.testing.bigquery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dcp.core.model.TableId;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A loopback HTTP fake of the few BigQuery REST endpoints table admin and dead-letter replay use:
 * {@code tables.get}, {@code tables.insert}, {@code tables.patch}, {@code tables.update} and {@code
 * tabledata.list}, answering with the JSON the real API returns (table resources, pages of rows in
 * the {@code {"f":[{"v":...}]}} cell format, and {@code {"error": {...}}} bodies with the real
 * reasons: notFound, duplicate, invalid).
 *
 * <p>{@code tabledata.list} serves the rows committed to the {@link FakeBigQueryWriteServer} the
 * fake shares its tables with (none without one), in commit order.
 *
 * <p>Point {@code BigQueryOptions.setHost} at {@link #url()}. Datasets must be registered before
 * tables can be inserted into them, as in BigQuery. A patch that drops a column or adds a REQUIRED
 * one is refused like the real service does.
 */
public final class FakeBigQueryRestServer implements AutoCloseable {
  private static final Pattern TABLES =
      Pattern.compile(
          "/bigquery/v2/projects/([^/]+)/datasets/([^/]+)/tables(?:/([^/?]+)(/data)?)?");

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final Set<String> datasets = ConcurrentHashMap.newKeySet();
  private final Map<TableId, ObjectNode> tables = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private final FakeBigQueryWriteServer writeServer;
  private volatile int maxPageRows = 100_000;

  private FakeBigQueryRestServer(FakeBigQueryWriteServer writeServer) throws IOException {
    this.writeServer = writeServer;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts the fake on an ephemeral loopback port. */
  public static FakeBigQueryRestServer start() throws IOException {
    return new FakeBigQueryRestServer(null);
  }

  /**
   * Starts the fake sharing its tables with {@code writeServer}: a table inserted or patched here
   * is registered there with the same schema, so it can be written to, as in BigQuery.
   */
  public static FakeBigQueryRestServer start(FakeBigQueryWriteServer writeServer)
      throws IOException {
    return new FakeBigQueryRestServer(java.util.Objects.requireNonNull(writeServer, "writeServer"));
  }

  /** Returns {@code http://127.0.0.1:port}, the value for {@code BigQueryOptions.setHost}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Registers an empty dataset. */
  public void createDataset(String project, String dataset) {
    datasets.add(project + ":" + dataset);
  }

  /** Returns the stored table resource, as {@code tables.get} would return it. */
  public Optional<JsonNode> table(TableId table) {
    return Optional.ofNullable(tables.get(table)).map(JsonNode::deepCopy);
  }

  /**
   * Makes {@code tabledata.list} answer at most {@code rows} rows per page whatever {@code
   * maxResults} asks, as BigQuery caps a page by its size, so tests see paging.
   */
  public void limitPageRows(int rows) {
    if (rows < 1) {
      throw new IllegalArgumentException("rows must be at least 1, not " + rows);
    }
    maxPageRows = rows;
  }

  /** Returns every request received, as {@code METHOD path}. */
  public List<String> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String override = exchange.getRequestHeaders().getFirst("X-HTTP-Method-Override");
      if (override != null) {
        method = override;
      }
      String path =
          URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
      requests.add(method + " " + path);
      Matcher m = TABLES.matcher(path);
      if (!m.matches()) {
        error(exchange, 404, "notFound", "Not found: URL " + path);
        return;
      }
      String project = m.group(1);
      String dataset = m.group(2);
      String tableName = m.group(3);
      if (!datasets.contains(project + ":" + dataset)) {
        error(exchange, 404, "notFound", "Not found: Dataset " + project + ":" + dataset);
        return;
      }
      if (tableName == null) {
        if (method.equals("POST")) {
          insert(exchange, project, dataset, read(exchange));
        } else {
          error(exchange, 405, "invalid", "Method " + method + " not supported by the fake");
        }
        return;
      }
      TableId id = new TableId(project, dataset, tableName);
      ObjectNode stored = tables.get(id);
      if (stored == null) {
        error(
            exchange,
            404,
            "notFound",
            "Not found: Table " + project + ":" + dataset + "." + tableName);
        return;
      }
      if (m.group(4) != null) {
        if (method.equals("GET")) {
          TableDataList.respond(this, exchange, id, stored, query(exchange));
        } else {
          error(exchange, 405, "invalid", "Method " + method + " not supported by the fake");
        }
        return;
      }
      switch (method) {
        case "GET" -> respond(exchange, 200, stored);
        case "PATCH", "PUT" -> patch(exchange, id, stored, read(exchange), method.equals("PUT"));
        default ->
            error(exchange, 405, "invalid", "Method " + method + " not supported by the fake");
      }
    } catch (RuntimeException | IOException e) {
      error(exchange, 500, "internalError", String.valueOf(e.getMessage()));
    }
  }

  private void insert(HttpExchange exchange, String project, String dataset, ObjectNode body)
      throws IOException {
    String tableName = body.path("tableReference").path("tableId").asText("");
    if (tableName.isEmpty()) {
      error(exchange, 400, "invalid", "Missing required field: tableReference.tableId");
      return;
    }
    TableId id = new TableId(project, dataset, tableName);
    ObjectNode table = body.deepCopy();
    String problem = checkSchema(table.path("schema").path("fields"), null);
    if (problem != null) {
      error(exchange, 400, "invalid", problem);
      return;
    }
    long now = clock.incrementAndGet();
    table.put("kind", "bigquery#table");
    table.put("id", project + ":" + dataset + "." + tableName);
    table.put("etag", "etag-" + now);
    table.put(
        "selfLink",
        url()
            + "/bigquery/v2/projects/"
            + project
            + "/datasets/"
            + dataset
            + "/tables/"
            + tableName);
    table.put("creationTime", Long.toString(now));
    table.put("lastModifiedTime", Long.toString(now));
    table.put("type", "TABLE");
    table.put("location", "US");
    table.put("numBytes", "0");
    table.put("numRows", "0");
    if (tables.putIfAbsent(id, table) != null) {
      error(
          exchange,
          409,
          "duplicate",
          "Already Exists: Table " + project + ":" + dataset + "." + tableName);
      return;
    }
    if (writeServer != null) {
      writeServer.createTable(id, coreSchema(table.path("schema").path("fields")));
    }
    respond(exchange, 200, table);
  }

  private void patch(
      HttpExchange exchange, TableId id, ObjectNode stored, ObjectNode body, boolean replace)
      throws IOException {
    if (body.has("schema")) {
      String problem =
          checkSchema(body.path("schema").path("fields"), stored.path("schema").path("fields"));
      if (problem != null) {
        error(exchange, 400, "invalid", problem);
        return;
      }
    }
    ObjectNode updated = stored.deepCopy();
    body.fields()
        .forEachRemaining(
            e -> {
              if (!e.getKey().equals("tableReference") && !e.getKey().equals("etag")) {
                updated.set(e.getKey(), e.getValue());
              }
            });
    long now = clock.incrementAndGet();
    updated.put("etag", "etag-" + now);
    updated.put("lastModifiedTime", Long.toString(now));
    tables.put(id, updated);
    if (writeServer != null && body.has("schema")) {
      writeServer.updateSchema(id, coreSchema(updated.path("schema").path("fields")));
    }
    respond(exchange, 200, updated);
  }

  /** Returns BigQuery's complaint about a new schema, or null when it is acceptable. */
  private static String checkSchema(JsonNode fields, JsonNode before) {
    if (!fields.isArray()) {
      return fields.isMissingNode() ? null : "Invalid value for schema.fields";
    }
    for (JsonNode f : fields) {
      if (f.path("name").asText("").isEmpty() || f.path("type").asText("").isEmpty()) {
        return "Invalid field: every field needs a name and a type";
      }
    }
    if (before == null || !before.isArray()) {
      return null;
    }
    for (JsonNode old : before) {
      JsonNode now = find(fields, old.path("name").asText());
      if (now == null) {
        return "Provided Schema does not match Table. Field "
            + old.path("name").asText()
            + " is missing in new schema";
      }
      String nested = checkSchema(now.path("fields"), old.path("fields"));
      if (nested != null) {
        return nested;
      }
    }
    for (JsonNode f : fields) {
      if (find(before, f.path("name").asText()) == null
          && "REQUIRED".equals(f.path("mode").asText())) {
        return "Provided Schema does not match Table. Cannot add required fields to an existing schema. (field: "
            + f.path("name").asText()
            + ")";
      }
    }
    return null;
  }

  /** Returns the committed rows of {@code table}. */
  List<io.dcp.core.model.Row> committedRows(TableId table) {
    return writeServer == null ? List.of() : writeServer.rows(table);
  }

  int maxPageRows() {
    return maxPageRows;
  }

  ObjectMapper json() {
    return json;
  }

  private static Map<String, String> query(HttpExchange exchange) {
    Map<String, String> out = new java.util.HashMap<>();
    String raw = exchange.getRequestURI().getRawQuery();
    if (raw == null || raw.isEmpty()) {
      return out;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(key, value);
    }
    return out;
  }

  static TableSchema coreSchema(JsonNode fields) {
    return new TableSchema(coreFields(fields));
  }

  private static List<Field> coreFields(JsonNode fields) {
    List<Field> out = new ArrayList<>();
    for (JsonNode f : fields) {
      out.add(
          new Field(
              f.path("name").asText(),
              FieldType.parse(f.path("type").asText()).orElseThrow(),
              FieldMode.parse(f.path("mode").asText("NULLABLE")).orElse(FieldMode.NULLABLE),
              coreFields(f.path("fields")),
              f.path("description").asText("")));
    }
    return out;
  }

  private static JsonNode find(JsonNode fields, String name) {
    for (JsonNode f : fields) {
      if (f.path("name").asText().equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }

  private ObjectNode read(HttpExchange exchange) throws IOException {
    InputStream body = exchange.getRequestBody();
    // The Google HTTP client gzips request bodies, as the real API accepts.
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      body = new GZIPInputStream(body);
    }
    try (InputStream in = body) {
      JsonNode node = json.readTree(in);
      return node instanceof ObjectNode o ? o : json.createObjectNode();
    }
  }

  void error(HttpExchange exchange, int code, String reason, String message) throws IOException {
    ObjectNode body = json.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", code);
    error.put("message", message);
    ArrayNode errors = error.putArray("errors");
    errors.addObject().put("message", message).put("domain", "global").put("reason", reason);
    error.put(
        "status",
        switch (code) {
          case 400 -> "INVALID_ARGUMENT";
          case 404 -> "NOT_FOUND";
          case 409 -> "ALREADY_EXISTS";
          default -> "INTERNAL";
        });
    respond(exchange, code, body);
  }

  void respond(HttpExchange exchange, int code, JsonNode body) throws IOException {
    byte[] bytes = json.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

package io.dcp.core.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.Message;
import io.dcp.core.model.Row;
import io.dcp.core.model.Stage;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Maps JSON messages to rows of a table schema with BigQuery's JSON ingestion semantics; see {@code
 * docs/mapping.md} for every rule.
 *
 * <p>Thread-safe and never throws for any payload: a message that cannot be mapped becomes a dead
 * letter naming the stage ({@code decode}, {@code parse}, {@code map}), the field path and the
 * reason. The per-schema plan (which column takes which field, from where) is built once in {@link
 * #create}.
 */
public final class JsonMessageMapper implements MessageMapper {
  private static final ObjectMapper OUTPUT = new ObjectMapper();

  private final TableSchema schema;
  private final MappingConfig config;
  private final String subscription;
  private final Clock clock;
  private final PayloadReader reader;
  private final RecordPlan root;
  private final Map<Field, RecordPlan> plans = new HashMap<>();
  private final List<ColumnPlan> columns;
  private final Set<String> pointerHeads;
  private final int keepIndex;
  private final boolean needsTree;
  private final boolean reportNewColumns;

  private JsonMessageMapper(
      TableSchema schema,
      MappingConfig config,
      String subscription,
      Clock clock,
      boolean reportNewColumns) {
    this.schema = schema;
    this.reportNewColumns = reportNewColumns;
    this.config = config;
    this.subscription = subscription;
    this.clock = clock;
    this.reader = new PayloadReader(config.maxDepth(), Math.max(config.maxPayloadBytes(), 1));
    this.root = new RecordPlan(schema.fields(), plans);
    List<ColumnPlan> plans = new ArrayList<>();
    Set<String> heads = new HashSet<>();
    int keep = -1;
    boolean tree = config.mode() == MappingMode.TYPED;
    for (int i = 0; i < schema.fields().size(); i++) {
      Field field = schema.fields().get(i);
      ColumnSource source = sourceOf(config, field.name());
      if (config.mode() == MappingMode.TYPED
          && config.unknownFields() == UnknownFields.KEEP
          && field.name().equalsIgnoreCase(config.keepColumn())) {
        keep = i;
      }
      if (source instanceof ColumnSource.Pointer p) {
        tree = true;
        String head = p.pointer().isEmpty() ? "" : p.pointer().substring(1).split("/", -1)[0];
        heads.add(head.replace("~1", "/").replace("~0", "~").toLowerCase(Locale.ROOT));
      }
      if (source instanceof ColumnSource.Metadata m
          && m.field() == MetadataField.PAYLOAD
          && field.type() == FieldType.JSON) {
        tree = true;
      }
      plans.add(new ColumnPlan(i, field, source, pointerPath(source)));
    }
    this.columns = List.copyOf(plans);
    this.pointerHeads = Set.copyOf(heads);
    this.keepIndex = keep;
    this.needsTree = tree;
  }

  /**
   * Builds a mapper for {@code schema}.
   *
   * @param subscription the source's name, for the {@code metadata:subscription} column
   * @param clock the time of {@code metadata:ingested_at} and of dead letters
   * @throws IllegalArgumentException listing every way {@code config} does not fit {@code schema},
   *     each with its config key
   */
  public static JsonMessageMapper create(
      TableSchema schema, MappingConfig config, String subscription, Clock clock) {
    List<String> problems = validate(schema, config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(
          "the mapping does not fit the table schema:\n  - " + String.join("\n  - ", problems));
    }
    return new JsonMessageMapper(schema, config, subscription, clock, false);
  }

  /**
   * Returns a mapper for the same schema and config that, instead of applying {@code
   * mapping.unknownFields} to a payload field with no column, answers {@link
   * MappingResult.NewColumns} with the column it would make: what {@code schema.evolution:
   * add-columns} needs. Fields that cannot become a column (a null or empty value, a name BigQuery
   * does not take) still follow {@code mapping.unknownFields}. Raw mode has no unknown fields.
   */
  public JsonMessageMapper reportingNewColumns() {
    return new JsonMessageMapper(schema, config, subscription, clock, true);
  }

  /** Returns every way {@code config} does not fit {@code schema}, each prefixed by its key. */
  public static List<String> validate(TableSchema schema, MappingConfig config) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, ColumnSource> e : config.columns().entrySet()) {
      String key = "mapping.columns." + e.getKey();
      Field field = schema.field(e.getKey()).orElse(null);
      if (field == null) {
        problems.add(key + ": column '" + e.getKey() + "' is not in the table schema");
        continue;
      }
      if (e.getValue() instanceof ColumnSource.Attribute
          && (field.isRepeated() || field.type() == FieldType.STRUCT)) {
        problems.add(
            key + ": an attribute is a string; it cannot fill a " + describe(field) + " column");
      }
      if (e.getValue() instanceof ColumnSource.Metadata m) {
        String fit = metadataFits(m.field(), field);
        if (fit != null) {
          problems.add(key + ": metadata:" + m.field().label() + " " + fit);
        }
      }
    }
    if (config.mode() == MappingMode.RAW) {
      boolean hasPayload =
          config.columns().values().stream()
              .anyMatch(
                  s -> s instanceof ColumnSource.Metadata m && m.field() == MetadataField.PAYLOAD);
      if (!hasPayload) {
        problems.add(
            "mapping.columns: raw mode needs a column with source metadata:payload (mapping.payloadColumn)");
      }
      for (Field f : schema.fields()) {
        if (f.mode() == FieldMode.REQUIRED && sourceOf(config, f.name()) == null) {
          problems.add(
              "mapping.columns."
                  + f.name()
                  + ": REQUIRED column has no source in raw mode; give it one or make it NULLABLE");
        }
      }
    }
    if (config.mode() == MappingMode.TYPED && config.unknownFields() == UnknownFields.KEEP) {
      Field keep = schema.field(config.keepColumn()).orElse(null);
      if (keep == null) {
        problems.add(
            "mapping.keepColumn: column '"
                + config.keepColumn()
                + "' is not in the table schema; add it as a JSON column");
      } else if ((keep.type() != FieldType.JSON && keep.type() != FieldType.STRING)
          || keep.isRepeated()) {
        problems.add(
            "mapping.keepColumn: column '"
                + keep.name()
                + "' must be JSON or STRING, not "
                + describe(keep));
      } else if (keep.mode() == FieldMode.REQUIRED) {
        problems.add(
            "mapping.keepColumn: column '"
                + keep.name()
                + "' is REQUIRED, but it is NULL for every message without unknown fields;"
                + " make it a NULLABLE JSON column of its own");
      } else if (config.columns().keySet().stream()
          .anyMatch(k -> k.equalsIgnoreCase(keep.name()))) {
        problems.add(
            "mapping.keepColumn: column '"
                + keep.name()
                + "' also has a source in mapping.columns");
      }
    }
    return problems;
  }

  private static String metadataFits(MetadataField source, Field field) {
    if (field.isRepeated() || field.type() == FieldType.STRUCT) {
      return "cannot fill a " + describe(field) + " column";
    }
    Set<FieldType> allowed =
        switch (source) {
          case MESSAGE_ID, ORDERING_KEY, SUBSCRIPTION -> Set.of(FieldType.STRING);
          case PUBLISH_TIME, INGESTED_AT ->
              Set.of(FieldType.TIMESTAMP, FieldType.DATETIME, FieldType.STRING);
          case ATTRIBUTES, PAYLOAD -> Set.of(FieldType.JSON, FieldType.STRING);
          case DELIVERY_ATTEMPT -> Set.of(FieldType.INT64);
        };
    return allowed.contains(field.type())
        ? null
        : "goes into a column of type "
            + allowed.stream().map(Enum::name).sorted().toList()
            + ", not "
            + field.type();
  }

  private static String describe(Field f) {
    return (f.isRepeated() ? "REPEATED " : "") + f.type().name();
  }

  private static ColumnSource sourceOf(MappingConfig config, String column) {
    ColumnSource exact = config.columns().get(column);
    if (exact != null) {
      return exact;
    }
    for (Map.Entry<String, ColumnSource> e : config.columns().entrySet()) {
      if (e.getKey().equalsIgnoreCase(column)) {
        return e.getValue();
      }
    }
    return null;
  }

  private static String pointerPath(ColumnSource source) {
    if (!(source instanceof ColumnSource.Pointer p)) {
      return null;
    }
    StringBuilder path = new StringBuilder("$");
    if (!p.pointer().isEmpty()) {
      for (String segment : p.pointer().substring(1).split("/", -1)) {
        path.append('.').append(segment.replace("~1", "/").replace("~0", "~"));
      }
    }
    return path.toString();
  }

  @Override
  public MappingResult map(Message message) {
    try {
      return mapChecked(message);
    } catch (Rejection r) {
      return reject(message, Stage.MAP, r.path, r.reason);
    }
  }

  private MappingResult mapChecked(Message message) {
    byte[] data = message.dataUnsafe();
    if (data.length > config.maxPayloadBytes()) {
      return reject(
          message,
          Stage.DECODE,
          "",
          "payload is " + data.length + " bytes, over the limit of " + config.maxPayloadBytes());
    }
    int invalid = Utf8.firstInvalid(data);
    if (invalid >= 0) {
      return reject(message, Stage.DECODE, "", "invalid UTF-8 at byte " + invalid);
    }
    JsonNode tree = null;
    if (needsTree) {
      try {
        tree = reader.read(data);
      } catch (PayloadReader.LoneSurrogate e) {
        return reject(message, Stage.PARSE, "", e.getMessage());
      } catch (StreamConstraintsException e) {
        String limit = oneLine(e.getOriginalMessage());
        return reject(
            message,
            Stage.PARSE,
            "",
            limit.startsWith("Document nesting depth")
                ? "JSON nested deeper than " + config.maxDepth() + " levels"
                : "JSON over a reading limit: " + limit);
      } catch (JsonProcessingException e) {
        String where =
            e.getLocation() == null
                ? ""
                : " at line "
                    + e.getLocation().getLineNr()
                    + ", column "
                    + e.getLocation().getColumnNr();
        return reject(
            message, Stage.PARSE, "", "malformed JSON: " + oneLine(e.getOriginalMessage()) + where);
      } catch (IOException | NumberFormatException e) {
        return reject(message, Stage.PARSE, "", "unreadable JSON: " + oneLine(e.getMessage()));
      }
      if (tree == null || tree.isMissingNode()) {
        return reject(message, Stage.PARSE, "", "empty payload, expected a JSON object");
      }
    }
    if (config.mode() == MappingMode.RAW) {
      String text = new String(data, StandardCharsets.UTF_8);
      return new MappingResult.Mapped(
          List.of(row(message, tree == null ? null : tree, text, "$", false, null)));
    }
    NewFields newFields = reportNewColumns ? new NewFields() : null;
    if (tree.isArray() && config.explodeArrays()) {
      List<Row> rows = new ArrayList<>(tree.size());
      for (int i = 0; i < tree.size(); i++) {
        JsonNode element = tree.get(i);
        if (!element.isObject()) {
          return reject(
              message,
              Stage.PARSE,
              "$[" + i + "]",
              "array element is " + kind(element) + ", expected an object");
        }
        rows.add(row(message, element, null, "$[" + i + "]", true, newFields));
      }
      return newFields != null && !newFields.isEmpty()
          ? new MappingResult.NewColumns(newFields.columns(schema))
          : new MappingResult.Mapped(rows);
    }
    if (!tree.isObject()) {
      String hint =
          tree.isArray()
              ? " (set mapping.explodeArrays to map an array to one row per element)"
              : "";
      return reject(
          message,
          Stage.PARSE,
          "",
          "top-level JSON value is " + kind(tree) + ", expected an object" + hint);
    }
    Row row = row(message, tree, null, "$", true, newFields);
    return newFields != null && !newFields.isEmpty()
        ? new MappingResult.NewColumns(newFields.columns(schema))
        : new MappingResult.Mapped(List.of(row));
  }

  /** Builds one row from a payload object (typed) or from sources only (raw). */
  private Row row(
      Message message,
      JsonNode object,
      String rawText,
      String base,
      boolean typed,
      NewFields newFields) {
    Object[] values = new Object[columns.size()];
    Unknowns unknown = new Unknowns(config.unknownFields(), base, newFields);
    if (typed) {
      Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> entry = fields.next();
        String name = entry.getKey();
        int index = root.indexOf(name);
        if (index >= 0 && index != keepIndex) {
          ColumnPlan column = columns.get(index);
          if (column.source == null) {
            values[index] =
                value(column.field, entry.getValue(), FieldPath.field(base, name), unknown);
          }
          continue;
        }
        if (pointerHeads.contains(name.toLowerCase(Locale.ROOT))) {
          continue;
        }
        unknown.add(FieldPath.field(base, name), entry.getValue());
      }
    }
    for (ColumnPlan column : columns) {
      if (column.source != null) {
        values[column.index] = fromSource(column, message, object, rawText);
      }
    }
    Row.Builder row = Row.builder();
    for (ColumnPlan column : columns) {
      Object value = values[column.index];
      if (column.index == keepIndex) {
        value = unknown.json();
      }
      if (value == null && column.field.mode() == FieldMode.REQUIRED) {
        String path =
            column.pointerPath != null ? column.pointerPath : base + "." + column.field.name();
        throw new Rejection(path, "missing required field");
      }
      row.set(column.field.name(), value);
    }
    return row.build();
  }

  private Object fromSource(ColumnPlan column, Message message, JsonNode object, String rawText) {
    Field field = column.field;
    if (column.source instanceof ColumnSource.Pointer p) {
      JsonNode node = object == null ? null : object.at(p.pointer());
      return node == null || node.isMissingNode()
          ? null
          : value(field, node, column.pointerPath, Unknowns.IGNORED);
    }
    if (column.source instanceof ColumnSource.Attribute a) {
      String text = message.attributes().get(a.name());
      if (text == null) {
        return null;
      }
      int lone = PayloadReader.loneSurrogate(text);
      if (lone >= 0) {
        // A source that decodes JSON (the HTTP endpoint) can hand over "\ud800" unpaired.
        throw new Rejection(
            "attribute:" + a.name(), PayloadReader.loneSurrogateReason(text.charAt(lone)));
      }
      return Coercion.text(field.type(), text, "attribute:" + a.name());
    }
    MetadataField metadata = ((ColumnSource.Metadata) column.source).field();
    return switch (metadata) {
      case MESSAGE_ID -> message.id();
      case PUBLISH_TIME -> time(message.publishTime(), field.type());
      case INGESTED_AT -> time(clock.instant(), field.type());
      case ATTRIBUTES -> attributesJson(message.attributes());
      case ORDERING_KEY -> message.orderingKey().isEmpty() ? null : message.orderingKey();
      case SUBSCRIPTION -> subscription;
      case DELIVERY_ATTEMPT ->
          message.deliveryAttempt() == 0 ? null : (long) message.deliveryAttempt();
      case PAYLOAD -> {
        String text =
            rawText != null ? rawText : new String(message.dataUnsafe(), StandardCharsets.UTF_8);
        yield field.type() == FieldType.JSON && object != null ? Coercion.json(object, "$") : text;
      }
    };
  }

  /** A time for a TIMESTAMP column, as text for STRING, as UTC civil time for DATETIME. */
  private static Object time(Instant instant, FieldType type) {
    Instant micros = instant.truncatedTo(ChronoUnit.MICROS);
    return switch (type) {
      case STRING -> micros.toString();
      case DATETIME -> java.time.LocalDateTime.ofInstant(micros, java.time.ZoneOffset.UTC);
      default -> micros;
    };
  }

  private static String attributesJson(Map<String, String> attributes) {
    for (Map.Entry<String, String> e : attributes.entrySet()) {
      for (String text : List.of(e.getKey(), e.getValue())) {
        int lone = PayloadReader.loneSurrogate(text);
        if (lone >= 0) {
          throw new Rejection(
              "metadata:attributes",
              "an attribute "
                  + (text == e.getKey() ? "name " : "value ")
                  + PayloadReader.loneSurrogateReason(text.charAt(lone)));
        }
      }
    }
    try {
      return OUTPUT.writeValueAsString(new TreeMap<>(attributes));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string map always serialises", e);
    }
  }

  /** Coerces a JSON value to a column's value; null for JSON null (REQUIRED is checked above). */
  private Object value(Field field, JsonNode node, Object path, Unknowns unknown) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!field.isRepeated()) {
      return single(field, node, path, unknown);
    }
    if (!node.isArray()) {
      throw new Rejection(path, Coercion.show(node) + " is not an array (the column is REPEATED)");
    }
    if (node.isEmpty()) {
      return null;
    }
    List<Object> list = new ArrayList<>(node.size());
    for (int i = 0; i < node.size(); i++) {
      JsonNode element = node.get(i);
      FieldPath at = FieldPath.element(path, i);
      if (element.isNull()) {
        throw new Rejection(at, "null element in a REPEATED field");
      }
      list.add(single(field, element, at, unknown));
    }
    return List.copyOf(list);
  }

  private Object single(Field field, JsonNode node, Object path, Unknowns unknown) {
    FieldType type = field.type();
    if (type == FieldType.STRUCT) {
      if (!node.isObject()) {
        throw Coercion.notA(node, "a RECORD (a JSON object)", path);
      }
      return record(field, node, path, unknown);
    }
    if (type == FieldType.JSON) {
      return Coercion.json(node, path);
    }
    if (node.isArray() || (node.isObject() && type != FieldType.GEOGRAPHY)) {
      throw Coercion.notA(node, "a " + type.name(), path);
    }
    return Coercion.scalar(type, node, path);
  }

  private Row record(Field struct, JsonNode object, Object path, Unknowns unknown) {
    RecordPlan plan = plans.get(struct);
    Object[] values = new Object[plan.fields.size()];
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> entry = fields.next();
      int index = plan.indexOf(entry.getKey());
      FieldPath at = FieldPath.field(path, entry.getKey());
      if (index < 0) {
        unknown.add(at, entry.getValue());
        continue;
      }
      values[index] = value(plan.fields.get(index), entry.getValue(), at, unknown);
    }
    Row.Builder row = Row.builder();
    for (int i = 0; i < values.length; i++) {
      Field sub = plan.fields.get(i);
      if (values[i] == null && sub.mode() == FieldMode.REQUIRED) {
        throw new Rejection(path + "." + sub.name(), "missing required field");
      }
      row.set(sub.name(), values[i]);
    }
    return row.build();
  }

  private MappingResult reject(Message message, Stage stage, String path, String reason) {
    return new MappingResult.Rejected(DeadLetter.of(message, stage, path, reason, clock.instant()));
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case OBJECT -> "an object";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> node.getNodeType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    // Jackson's source locations only say the source is redacted: drop them.
    String line =
        text.replace('\n', ' ')
            .replace('\r', ' ')
            .replaceAll(" \\(start marker at \\[Source: [^]]*\\]\\)", "");
    return line.length() <= 200 ? line : line.substring(0, 197) + "...";
  }

  /** One column of the row and where its value comes from (null: the same-named field). */
  private record ColumnPlan(int index, Field field, ColumnSource source, String pointerPath) {}

  /** The fields of a record, looked up by exact name first, then case-insensitively. */
  private static final class RecordPlan {
    final List<Field> fields;
    private final Map<String, Integer> exact = new HashMap<>();
    private final Map<String, Integer> folded = new HashMap<>();

    RecordPlan(List<Field> fields, Map<Field, RecordPlan> registry) {
      this.fields = fields;
      for (int i = 0; i < fields.size(); i++) {
        Field f = fields.get(i);
        exact.put(f.name(), i);
        folded.put(f.name().toLowerCase(Locale.ROOT), i);
        if (f.type() == FieldType.STRUCT && !registry.containsKey(f)) {
          registry.put(f, new RecordPlan(f.fields(), registry));
        }
      }
    }

    int indexOf(String name) {
      Integer i = exact.get(name);
      if (i == null) {
        i = folded.get(name.toLowerCase(Locale.ROOT));
      }
      return i == null ? -1 : i;
    }
  }
}

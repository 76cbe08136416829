package io.dcp.core.mapping;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
  private final boolean streams;
  private final TokenRows tokens;
  private final SourceValues sources;
  private final boolean reportNewColumns;

  private JsonMessageMapper(
      TableSchema schema,
      MappingConfig config,
      String subscription,
      Clock clock,
      boolean reportNewColumns,
      boolean streaming) {
    this.schema = schema;
    this.reportNewColumns = reportNewColumns;
    this.config = config;
    this.subscription = subscription;
    this.clock = clock;
    this.sources = new SourceValues(subscription, clock);
    this.reader = new PayloadReader(config.maxDepth(), Math.max(config.maxPayloadBytes(), 1));
    this.root = new RecordPlan(schema.fields(), plans);
    List<ColumnPlan> plans = new ArrayList<>();
    Set<String> heads = new HashSet<>();
    int keep = -1;
    boolean wholePayload = false;
    for (int i = 0; i < schema.fields().size(); i++) {
      Field field = schema.fields().get(i);
      ColumnSource source = MappingFit.sourceOf(config, field.name());
      if (config.mode() == MappingMode.TYPED
          && config.unknownFields() == UnknownFields.KEEP
          && field.name().equalsIgnoreCase(config.keepColumn())) {
        keep = i;
      }
      if (source instanceof ColumnSource.Pointer p) {
        wholePayload = true;
        String head = p.pointer().isEmpty() ? "" : p.pointer().substring(1).split("/", -1)[0];
        heads.add(head.replace("~1", "/").replace("~0", "~").toLowerCase(Locale.ROOT));
      }
      if (source instanceof ColumnSource.Metadata m
          && m.field() == MetadataField.PAYLOAD
          && field.type() == FieldType.JSON) {
        wholePayload = true;
      }
      plans.add(ColumnPlan.of(i, field, source));
    }
    this.columns = List.copyOf(plans);
    this.pointerHeads = Set.copyOf(heads);
    this.keepIndex = keep;
    this.needsTree = config.mode() == MappingMode.TYPED || wholePayload;
    this.streams = streaming && config.mode() == MappingMode.TYPED && !wholePayload;
    this.tokens = new TokenRows(root, this.plans, columns, keep);
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
    return new JsonMessageMapper(schema, config, subscription, clock, false, true);
  }

  /**
   * Returns a mapper for the same schema and config that, instead of applying {@code
   * mapping.unknownFields} to a payload field with no column, answers {@link
   * MappingResult.NewColumns} with the column it would make: what {@code schema.evolution:
   * add-columns} needs. Fields that cannot become a column (a null or empty value, a name BigQuery
   * does not take) still follow {@code mapping.unknownFields}. Raw mode has no unknown fields.
   */
  public JsonMessageMapper reportingNewColumns() {
    return new JsonMessageMapper(schema, config, subscription, clock, true, streams);
  }

  /**
   * The same mapper reading every payload into a tree first: the reference the token path is held
   * to in tests.
   */
  JsonMessageMapper readingTrees() {
    return new JsonMessageMapper(schema, config, subscription, clock, reportNewColumns, false);
  }

  /** Returns every way {@code config} does not fit {@code schema}, each prefixed by its key. */
  public static List<String> validate(TableSchema schema, MappingConfig config) {
    return MappingFit.problems(schema, config);
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
    if (streams) {
      MappingResult streamed = streamed(message, data);
      if (streamed != null) {
        return streamed;
      }
    }
    JsonNode tree = null;
    if (needsTree) {
      try {
        tree = reader.read(data);
      } catch (IOException | NumberFormatException e) {
        return reject(message, Stage.PARSE, "", ParseReasons.failure(e, config.maxDepth()));
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
              "array element is " + ParseReasons.kind(element) + ", expected an object");
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
          "top-level JSON value is " + ParseReasons.kind(tree) + ", expected an object" + hint);
    }
    Row row = row(message, tree, null, "$", true, newFields);
    return newFields != null && !newFields.isEmpty()
        ? new MappingResult.NewColumns(newFields.columns(schema))
        : new MappingResult.Mapped(List.of(row));
  }

  /**
   * Maps a payload whose top-level value is an object straight from the parser's tokens; null for
   * any other payload, which the tree path judges (and words) as before.
   */
  private MappingResult streamed(Message message, byte[] data) {
    try (JsonParser p = reader.parser(data)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      NewFields newFields = reportNewColumns ? new NewFields() : null;
      Unknowns unknown = new Unknowns(config.unknownFields(), "$", newFields);
      Object[] values = new Object[columns.size()];
      Rejection refused = null;
      try {
        tokens.readRoot(p, values, unknown);
      } catch (Rejection r) {
        refused = r;
        PayloadReader.skipRest(p);
      }
      PayloadReader.checkEnd(p);
      if (refused != null) {
        throw refused; // only now: a parse error anywhere in the payload comes first
      }
      Row row = finish(message, null, null, "$", values, unknown);
      return newFields != null && !newFields.isEmpty()
          ? new MappingResult.NewColumns(newFields.columns(schema))
          : new MappingResult.Mapped(List.of(row));
    } catch (IOException | NumberFormatException e) {
      return reject(message, Stage.PARSE, "", ParseReasons.failure(e, config.maxDepth()));
    }
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
          if (column.source() == null) {
            values[index] =
                value(column.field(), entry.getValue(), FieldPath.field(base, name), unknown);
          }
          continue;
        }
        if (pointerHeads.contains(name.toLowerCase(Locale.ROOT))) {
          continue;
        }
        unknown.add(FieldPath.field(base, name), entry.getValue());
      }
    }
    return finish(message, object, rawText, base, values, unknown);
  }

  /** Completes a row from its payload values: sources, the kept unknowns, REQUIRED checks. */
  private Row finish(
      Message message,
      JsonNode object,
      String rawText,
      String base,
      Object[] values,
      Unknowns unknown) {
    for (ColumnPlan column : columns) {
      if (column.source() != null) {
        values[column.index()] = fromSource(column, message, object, rawText);
      }
    }
    Row.Builder row = Row.builder();
    for (ColumnPlan column : columns) {
      Object value = values[column.index()];
      if (column.index() == keepIndex) {
        value = unknown.json();
      }
      if (value == null && column.field().mode() == FieldMode.REQUIRED) {
        String path =
            column.pointerPath() != null
                ? column.pointerPath()
                : base + "." + column.field().name();
        throw new Rejection(path, "missing required field");
      }
      row.set(column.field().name(), value);
    }
    return row.build();
  }

  private Object fromSource(ColumnPlan column, Message message, JsonNode object, String rawText) {
    Field field = column.field();
    if (column.source() instanceof ColumnSource.Pointer p) {
      JsonNode node = object == null ? null : object.at(p.pointer());
      return node == null || node.isMissingNode()
          ? null
          : value(field, node, column.pointerPath(), Unknowns.IGNORED);
    }
    return sources.value(column, message, object, rawText);
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
}

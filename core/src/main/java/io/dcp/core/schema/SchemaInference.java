package io.dcp.core.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Infers a BigQuery table schema from sample JSON objects, for {@code dcp schema infer}.
 *
 * <p>Fields keep the order they are first seen in; every field is NULLABLE. Integers are INT64,
 * widened to FLOAT64 when a sample has a fraction; strings become TIMESTAMP or DATE only when every
 * sampled value has that form; objects become RECORDs merged across samples; arrays become REPEATED
 * fields of their element type. What BigQuery cannot hold as a column (arrays of arrays, values of
 * conflicting kinds) becomes a JSON column, with a note saying why.
 */
public final class SchemaInference {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?( ?([Zz]|UTC|[+-]\\d{2}(:?\\d{2})?))?");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,299}");

  /**
   * The inferred schema and what a person should know about it.
   *
   * @param schema the schema, every field NULLABLE or REPEATED
   * @param notes lines skipped, conflicts resolved to JSON, names BigQuery will not accept
   */
  public record Inferred(TableSchema schema, List<String> notes) {
    public Inferred {
      notes = List.copyOf(notes);
    }
  }

  private final Node root = new Node();
  private final List<String> notes = new ArrayList<>();
  private int samples;

  /** Adds one sample; a value that is not an object is skipped with a note. */
  public SchemaInference add(JsonNode sample) {
    samples++;
    if (!sample.isObject()) {
      notes.add("sample " + samples + " is not a JSON object: skipped");
      return this;
    }
    root.addObject(sample);
    return this;
  }

  /** Adds every line of an NDJSON stream; blank lines are ignored, bad ones noted. */
  public SchemaInference addNdjson(BufferedReader lines) throws IOException {
    String line;
    int number = 0;
    while ((line = lines.readLine()) != null) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      try {
        add(JSON.readTree(line));
      } catch (IOException e) {
        samples++;
        notes.add("line " + number + " is not valid JSON: skipped");
      }
    }
    return this;
  }

  /** Returns the schema inferred so far. */
  public Inferred result() {
    List<String> all = new ArrayList<>(notes);
    List<Field> fields = root.fields("", all);
    return new Inferred(new TableSchema(fields), all);
  }

  /** What has been seen at one path. */
  private static final class Node {
    boolean sawString;
    boolean allTimestamps = true;
    boolean allDates = true;
    boolean sawInteger;
    boolean sawFloat;
    boolean sawBoolean;
    boolean sawObject;
    boolean sawArray;
    boolean sawNestedArray;
    Node element;
    final Map<String, Node> children = new LinkedHashMap<>();

    void add(JsonNode value) {
      switch (value.getNodeType()) {
        case STRING -> {
          sawString = true;
          String text = value.textValue();
          allTimestamps &= TIMESTAMP.matcher(text).matches();
          allDates &= DATE.matcher(text).matches();
        }
        case NUMBER -> {
          if (value.isIntegralNumber()) {
            sawInteger = true;
          } else {
            sawFloat = true;
          }
        }
        case BOOLEAN -> sawBoolean = true;
        case OBJECT -> {
          sawObject = true;
          addObject(value);
        }
        case ARRAY -> {
          sawArray = true;
          if (element == null) {
            element = new Node();
          }
          for (JsonNode item : value) {
            if (item.isArray()) {
              sawNestedArray = true;
            } else if (!item.isNull()) {
              element.add(item);
            }
          }
        }
        default -> {}
      }
    }

    void addObject(JsonNode object) {
      Iterator<Map.Entry<String, JsonNode>> it = object.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        children.computeIfAbsent(e.getKey(), k -> new Node()).add(e.getValue());
      }
    }

    List<Field> fields(String parent, List<String> notes) {
      List<Field> fields = new ArrayList<>();
      for (Map.Entry<String, Node> e : children.entrySet()) {
        String path = parent.isEmpty() ? e.getKey() : parent + "." + e.getKey();
        if (!NAME.matcher(e.getKey()).matches()) {
          notes.add(
              path + ": not a valid BigQuery column name; rename it or map it with a JSON Pointer");
        }
        fields.add(e.getValue().field(e.getKey(), path, notes));
      }
      return fields;
    }

    Field field(String name, String path, List<String> notes) {
      if (sawArray) {
        int kinds =
            (sawString ? 1 : 0)
                + (sawInteger || sawFloat ? 1 : 0)
                + (sawBoolean ? 1 : 0)
                + (sawObject ? 1 : 0);
        if (kinds > 0 || sawNestedArray) {
          notes.add(
              path
                  + (sawNestedArray ? ": arrays of arrays" : ": both arrays and single values")
                  + " seen; BigQuery cannot hold that as a column, so it is JSON");
          return Field.of(name, FieldType.JSON);
        }
        Field inner = element.field(name, path, notes);
        return inner.type() == FieldType.JSON && element.isEmpty()
            ? Field.of(name, FieldType.STRING, FieldMode.REPEATED)
            : inner.withMode(FieldMode.REPEATED);
      }
      if (sawObject) {
        if (sawString || sawInteger || sawFloat || sawBoolean) {
          notes.add(path + ": both objects and single values seen; typed as JSON");
          return Field.of(name, FieldType.JSON);
        }
        if (children.isEmpty()) {
          notes.add(path + ": only empty objects seen; typed as JSON");
          return Field.of(name, FieldType.JSON);
        }
        return Field.struct(name, FieldMode.NULLABLE, fields(path, notes));
      }
      int scalarKinds =
          (sawString ? 1 : 0) + (sawInteger || sawFloat ? 1 : 0) + (sawBoolean ? 1 : 0);
      if (scalarKinds > 1) {
        notes.add(path + ": values of different types seen; typed as STRING");
        return Field.of(name, FieldType.STRING);
      }
      if (sawString) {
        if (allDates) {
          return Field.of(name, FieldType.DATE);
        }
        return Field.of(name, allTimestamps ? FieldType.TIMESTAMP : FieldType.STRING);
      }
      if (sawFloat) {
        return Field.of(name, FieldType.FLOAT64);
      }
      if (sawInteger) {
        return Field.of(name, FieldType.INT64);
      }
      if (sawBoolean) {
        return Field.of(name, FieldType.BOOL);
      }
      return isEmpty() ? Field.of(name, FieldType.STRING) : Field.of(name, FieldType.JSON);
    }

    boolean isEmpty() {
      return !sawString && !sawInteger && !sawFloat && !sawBoolean && !sawObject && !sawArray;
    }
  }
}

package io.dcp.core.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.core.ndjson.NdjsonLines;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Infers a BigQuery table schema from sample JSON objects, for {@code dcp schema infer}.
 *
 * <p>Fields keep the order they are first seen in; every field is NULLABLE. Integers are INT64,
 * NUMERIC or BIGNUMERIC when one is beyond INT64 (whichever holds it exactly), widened to FLOAT64
 * when a sample has a fraction; strings become TIMESTAMP or DATE only when every sampled value has
 * that form; objects become RECORDs merged across samples; arrays become REPEATED fields of their
 * element type. Names differing only in case are one column, as BigQuery's names are
 * case-insensitive. What BigQuery cannot hold as a column (arrays of arrays, arrays with null
 * elements, values of conflicting kinds, RECORDs deeper than 15 levels) becomes a JSON column, and
 * a name BigQuery refuses is left out; each with a note saying why. The schema inferred always
 * passes {@link SchemaValidator}, or has no columns.
 */
public final class SchemaInference {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern TIMESTAMP =
      Pattern.compile(
          "\\d{4}([-/])\\d{2}\\1\\d{2}[Tt ]\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,6})?)?"
              + "( ?([Zz]|UTC|[+-]\\d{2}(:?\\d{2})?))?");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final BigInteger NUMERIC_LIMIT = BigInteger.TEN.pow(29);
  private static final BigInteger BIGNUMERIC_LIMIT =
      new BigInteger("578960446186580977117854925043439539266");

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

  /**
   * Adds every line of an NDJSON stream, read with {@link NdjsonLines}; blank lines are ignored,
   * bad ones noted. A line is decoded leniently (invalid UTF-8 becomes U+FFFD), so one bad byte
   * does not cost the sample.
   */
  public SchemaInference addNdjson(InputStream ndjson) throws IOException {
    NdjsonLines lines = new NdjsonLines(ndjson, NdjsonLines.UNBOUNDED);
    NdjsonLines.Line line;
    while ((line = lines.next()) != null) {
      try {
        add(JSON.readTree(new String(line.bytes(), StandardCharsets.UTF_8)));
      } catch (IOException e) {
        samples++;
        notes.add("line " + line.number() + " is not valid JSON: skipped");
      }
    }
    return this;
  }

  /** Returns the schema inferred so far; it has no columns when no sample gave one. */
  public Inferred result() {
    List<String> all = new ArrayList<>(notes);
    List<Field> fields = root.fields("", 1, all);
    return new Inferred(new TableSchema(fields), all);
  }

  /** What has been seen at one path. */
  private static final class Node {
    boolean sawString;
    boolean allTimestamps = true;
    boolean allDates = true;
    boolean sawInteger;
    boolean sawBeyondInt64;
    boolean allFitNumeric = true;
    boolean allFitBignumeric = true;
    boolean sawFloat;
    boolean sawNullElement;
    boolean sawBoolean;
    boolean sawObject;
    boolean sawArray;
    boolean sawNestedArray;
    Node element;

    /** Keyed by the lower-case name: BigQuery's names are case-insensitive. */
    final Map<String, Node> children = new LinkedHashMap<>();

    /** Every spelling of this field's name, first seen first. */
    final Set<String> spellings = new LinkedHashSet<>();

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
            if (!value.canConvertToLong()) {
              sawBeyondInt64 = true;
              BigInteger magnitude = value.bigIntegerValue().abs();
              allFitNumeric &= magnitude.compareTo(NUMERIC_LIMIT) < 0;
              allFitBignumeric &= magnitude.compareTo(BIGNUMERIC_LIMIT) <= 0;
            }
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
            } else if (item.isNull()) {
              sawNullElement = true;
            } else {
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
        Node child = children.computeIfAbsent(e.getKey().toLowerCase(Locale.ROOT), k -> new Node());
        child.spellings.add(e.getKey());
        child.add(e.getValue());
      }
    }

    List<Field> fields(String parent, int depth, List<String> notes) {
      List<Field> fields = new ArrayList<>();
      for (Node child : children.values()) {
        String name = child.spellings.iterator().next();
        String path = parent.isEmpty() ? name : parent + "." + name;
        if (!ColumnName.isValid(name)) {
          notes.add(
              path
                  + ": not a valid BigQuery column name, left out; map it to a column with a JSON"
                  + " Pointer (mapping.columns.NAME: /"
                  + name.replace("~", "~0").replace("/", "~1")
                  + ")");
          continue;
        }
        if (child.spellings.size() > 1) {
          notes.add(
              path
                  + ": seen as "
                  + String.join(", ", child.spellings)
                  + "; BigQuery's column names are case-insensitive, so they are one column");
        }
        fields.add(child.field(name, path, depth, notes));
      }
      return fields;
    }

    Field field(String name, String path, int depth, List<String> notes) {
      if (sawArray) {
        int kinds =
            (sawString ? 1 : 0)
                + (sawInteger || sawFloat ? 1 : 0)
                + (sawBoolean ? 1 : 0)
                + (sawObject ? 1 : 0);
        if (sawNullElement && kinds == 0 && !sawNestedArray) {
          notes.add(
              path
                  + ": arrays with null elements seen; a REPEATED column refuses a null element,"
                  + " so it is JSON, which keeps them");
          return Field.of(name, FieldType.JSON);
        }
        if (kinds > 0 || sawNestedArray) {
          notes.add(
              path
                  + (sawNestedArray ? ": arrays of arrays" : ": both arrays and single values")
                  + " seen; BigQuery cannot hold that as a column, so it is JSON");
          return Field.of(name, FieldType.JSON);
        }
        Field inner = element.field(name, path, depth, notes);
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
        if (depth >= SchemaValidator.MAX_DEPTH) {
          notes.add(
              path
                  + ": RECORD nested deeper than BigQuery's "
                  + SchemaValidator.MAX_DEPTH
                  + " levels; typed as JSON");
          return Field.of(name, FieldType.JSON);
        }
        List<Field> sub = fields(path, depth + 1, notes);
        if (sub.isEmpty()) {
          notes.add(path + ": no sub-field is a valid column name; typed as JSON");
          return Field.of(name, FieldType.JSON);
        }
        return Field.struct(name, FieldMode.NULLABLE, sub);
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
      if (sawBeyondInt64) {
        FieldType type =
            allFitNumeric
                ? FieldType.NUMERIC
                : allFitBignumeric ? FieldType.BIGNUMERIC : FieldType.FLOAT64;
        notes.add(
            path
                + ": integers beyond INT64 seen; typed as "
                + type
                + (type == FieldType.FLOAT64
                    ? " (beyond BIGNUMERIC too: digits past 17 are rounded)"
                    : " (exact)"));
        return Field.of(name, type);
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

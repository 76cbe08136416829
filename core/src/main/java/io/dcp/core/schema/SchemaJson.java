package io.dcp.core.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads and writes table schemas in BigQuery's JSON format: what {@code bq show --schema} prints
 * and {@code bq mk --schema} takes ({@code [{"name","type","mode","fields", "description"}]}), or
 * the API's {@code {"fields": [...]}} object.
 *
 * <p>Reading reports every problem at once, with its path. Keys BigQuery has and the pipeline does
 * not use ({@code policyTags}, {@code maxLength}, ...) are ignored. A schema that reads cleanly is
 * also checked by {@link SchemaValidator}, and so are the fields that read cleanly beside ones that
 * did not.
 */
public final class SchemaJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TYPES =
      Arrays.stream(FieldType.values())
          .map(
              t ->
                  t == FieldType.STRUCT
                      ? "RECORD/STRUCT"
                      : t.legacyName().equals(t.name())
                          ? t.name()
                          : t.legacyName() + "/" + t.name())
          .collect(Collectors.joining(", "));

  private SchemaJson() {}

  /** Reads the schema file at {@code path}. */
  public static TableSchema read(Path path) throws SchemaException {
    String text;
    try {
      text = Files.readString(path);
    } catch (IOException e) {
      String why =
          e instanceof java.nio.file.NoSuchFileException
              ? "there is no such file (a relative path is from the working directory)"
              : e.getMessage();
      throw new SchemaException(
          path.toString(), List.of(new SchemaProblem("", "cannot read the file: " + why)));
    }
    return parse(text, path.toString());
  }

  /** Reads a schema from JSON text; {@code source} names it in error messages. */
  public static TableSchema parse(String json, String source) throws SchemaException {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new SchemaException(
          source, List.of(new SchemaProblem("", "not valid JSON: " + e.getOriginalMessage())));
    }
    if (root != null && root.isObject() && root.has("fields")) {
      root = root.get("fields");
    }
    if (root == null || !root.isArray()) {
      throw new SchemaException(
          source,
          List.of(
              new SchemaProblem(
                  "", "expected a JSON array of fields, as printed by bq show --schema")));
    }
    List<SchemaProblem> problems = new ArrayList<>();
    List<Field> fields = readFields((ArrayNode) root, "", problems);
    // The fields that did read are checked too, so every problem comes in one report.
    boolean unreadFields = !problems.isEmpty();
    for (SchemaProblem p : SchemaValidator.validate(new TableSchema(fields))) {
      if (!(unreadFields && p.path().isEmpty())) {
        problems.add(p);
      }
    }
    if (!problems.isEmpty()) {
      throw new SchemaException(source, problems);
    }
    return new TableSchema(fields);
  }

  private static List<Field> readFields(
      ArrayNode array, String parent, List<SchemaProblem> problems) {
    List<Field> fields = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      String at = parent + "[" + i + "]";
      JsonNode node = array.get(i);
      if (!node.isObject()) {
        problems.add(new SchemaProblem(at, "expected an object with name and type"));
        continue;
      }
      String name = text(node, "name");
      String path =
          name == null || name.isEmpty() ? at : (parent.isEmpty() ? "" : parent + ".") + name;
      if (name == null || name.isEmpty()) {
        problems.add(new SchemaProblem(at + ".name", "missing field name"));
      }
      String typeName = text(node, "type");
      FieldType type = null;
      if (typeName == null) {
        problems.add(new SchemaProblem(path + ".type", "missing type; one of " + TYPES));
      } else {
        type = FieldType.parse(typeName).orElse(null);
        if (type == null) {
          problems.add(
              new SchemaProblem(
                  path + ".type", "unknown type '" + typeName + "'; one of " + TYPES));
        }
      }
      String modeName = text(node, "mode");
      FieldMode mode = FieldMode.NULLABLE;
      if (modeName != null) {
        mode = FieldMode.parse(modeName).orElse(null);
        if (mode == null) {
          problems.add(
              new SchemaProblem(
                  path + ".mode",
                  "unknown mode '" + modeName + "'; one of NULLABLE, REQUIRED, REPEATED"));
        }
      }
      List<Field> sub = List.of();
      JsonNode subNode = node.get("fields");
      if (subNode != null && !subNode.isNull()) {
        if (!subNode.isArray()) {
          problems.add(new SchemaProblem(path + ".fields", "expected an array of fields"));
        } else if (type != null && type != FieldType.STRUCT) {
          problems.add(
              new SchemaProblem(
                  path + ".fields", "only RECORD fields have sub-fields, this one is " + typeName));
        } else {
          int before = problems.size();
          sub = readFields((ArrayNode) subNode, path, problems);
          if (sub.isEmpty() && problems.size() > before) {
            return fields; // its sub-fields are reported; an empty RECORD is not the news
          }
        }
      }
      String description = text(node, "description");
      if (name != null && !name.isEmpty() && type != null && mode != null) {
        fields.add(new Field(name, type, mode, sub, description == null ? "" : description));
      }
    }
    return fields;
  }

  private static String text(JsonNode node, String key) {
    JsonNode value = node.get(key);
    return value == null || value.isNull() ? null : value.asText();
  }

  /** Writes {@code schema} as {@code bq show --schema} prints it, pretty-printed. */
  public static String write(TableSchema schema) {
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(toJson(schema.fields()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a schema always serialises", e);
    }
  }

  private static ArrayNode toJson(List<Field> fields) {
    ArrayNode array = JSON.createArrayNode();
    for (Field f : fields) {
      ObjectNode node = array.addObject();
      node.put("name", f.name());
      node.put("type", f.type().legacyName());
      node.put("mode", f.mode().name());
      if (!f.description().isEmpty()) {
        node.put("description", f.description());
      }
      if (f.type() == FieldType.STRUCT) {
        node.set("fields", toJson(f.fields()));
      }
    }
    return array;
  }
}

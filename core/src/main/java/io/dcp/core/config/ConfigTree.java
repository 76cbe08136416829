package io.dcp.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations {@link ConfigLoader} makes on config trees: finding repeated keys, merging a file
 * over the defaults, setting one key from a variable or flag, and listing the leaf keys.
 */
final class ConfigTree {
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Sections that take any key: each is one key of its own. */
  static final Set<String> OPEN_MAPS =
      Set.of(MappingSection.COLUMNS, MetricsSection.TAGS, TableSection.SCHEMAS);

  private ConfigTree() {}

  /**
   * Reports every key a YAML mapping repeats: YAML readers keep the last value silently, so a
   * repeated {@code table:} section would drop the first without a word.
   */
  static void duplicateKeys(byte[] yaml, List<ConfigProblem> problems) {
    try (JsonParser p = YAML.getFactory().createParser(yaml)) {
      java.util.Deque<Set<String>> open = new java.util.ArrayDeque<>();
      for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
        if (t == JsonToken.START_OBJECT) {
          open.push(new java.util.HashSet<>());
        } else if (t == JsonToken.END_OBJECT) {
          open.pop();
        } else if (t == JsonToken.FIELD_NAME && !open.peek().add(p.currentName())) {
          String key = p.getParsingContext().pathAsPointer().toString().substring(1);
          problems.add(
              new ConfigProblem(
                  key.replace('/', '.'),
                  "duplicate key at line "
                      + p.currentTokenLocation().getLineNr()
                      + ": YAML keeps only the last value; remove one"));
        }
      }
    } catch (IOException e) {
      // Not YAML: reading the tree reports it.
    }
  }

  static void merge(
      ObjectNode into,
      ObjectNode from,
      JsonNode defaults,
      String parent,
      List<ConfigProblem> problems) {
    Iterator<Map.Entry<String, JsonNode>> it = from.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = parent.isEmpty() ? e.getKey() : parent + "." + e.getKey();
      JsonNode known = defaults.get(e.getKey());
      if (known == null) {
        List<String> siblings = new ArrayList<>();
        defaults.fieldNames().forEachRemaining(siblings::add);
        problems.add(
            new ConfigProblem(key, "unknown key" + DidYouMean.suggestion(e.getKey(), siblings)));
        continue;
      }
      if (known.isObject() && !OPEN_MAPS.contains(key)) {
        if (!e.getValue().isObject()) {
          problems.add(new ConfigProblem(key, "expected a section (a YAML mapping)"));
          continue;
        }
        merge((ObjectNode) into.get(e.getKey()), (ObjectNode) e.getValue(), known, key, problems);
      } else {
        into.set(e.getKey(), e.getValue());
      }
    }
  }

  static boolean isOpenMapEntry(String key) {
    return OPEN_MAPS.stream().anyMatch(map -> key.startsWith(map + "."));
  }

  static void set(ObjectNode tree, String key, String value) {
    String[] parts = key.split("\\.");
    ObjectNode node = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (!(child instanceof ObjectNode)) {
        child = node.putObject(parts[i]);
      }
      node = (ObjectNode) child;
    }
    JsonNode current = node.get(parts[parts.length - 1]);
    if (current != null && current.isArray()) {
      var array = JsonNodeFactory.instance.arrayNode();
      for (String item : value.split(",")) {
        if (!item.isBlank()) {
          array.add(item.trim());
        }
      }
      node.set(parts[parts.length - 1], array);
    } else {
      node.put(parts[parts.length - 1], value);
    }
  }

  static void leaves(JsonNode node, String parent, Map<String, String> out) {
    Iterator<Map.Entry<String, JsonNode>> it = node.fields();
    while (it.hasNext()) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = parent.isEmpty() ? e.getKey() : parent + "." + e.getKey();
      if (e.getValue().isObject() && !OPEN_MAPS.contains(key)) {
        leaves(e.getValue(), key, out);
      } else {
        out.put(key, e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().toString());
      }
    }
  }
}

package io.dcp.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dcp.core.model.TableId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Typed reads of the merged configuration tree that record a problem under the key instead of
 * failing, so that every section reader reports all it finds in one run.
 */
final class ConfigReader {
  private final ObjectNode tree;
  private final List<ConfigProblem> problems;

  private final Map<String, String> environment;

  ConfigReader(ObjectNode tree, List<ConfigProblem> problems, Map<String, String> environment) {
    this.tree = tree;
    this.problems = problems;
    this.environment = environment;
  }

  /** The value of an environment variable the loader was given, or empty. */
  String environment(String variable) {
    return environment.getOrDefault(variable, "");
  }

  void problem(String key, String message) {
    problems.add(new ConfigProblem(key, message));
  }

  int problemCount() {
    return problems.size();
  }

  boolean hasProblem(String key) {
    return problems.stream().anyMatch(p -> p.key().equals(key));
  }

  boolean hasProblemUnder(String keyPrefix) {
    return problems.stream().anyMatch(p -> p.key().startsWith(keyPrefix));
  }

  JsonNode node(String key) {
    JsonNode node = tree;
    for (String part : key.split("\\.")) {
      node = node == null ? null : node.get(part);
    }
    return node;
  }

  String string(String key) {
    JsonNode node = node(key);
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isValueNode()) {
      problem(key, "expected a single value");
      return "";
    }
    return node.asText();
  }

  String choice(String key, String... allowed) {
    String value = string(key).toLowerCase(Locale.ROOT);
    if (!Set.of(allowed).contains(value)) {
      problem(key, "'" + value + "' is not one of " + String.join(", ", allowed));
      return allowed[0];
    }
    return value;
  }

  List<String> strings(String key) {
    JsonNode node = node(key);
    List<String> out = new ArrayList<>();
    if (node == null || node.isNull()) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(item -> out.add(item.asText()));
    } else if (node.isValueNode() && !node.asText().isBlank()) {
      out.add(node.asText());
    }
    return out;
  }

  boolean bool(String key) {
    String text = string(key).toLowerCase(Locale.ROOT);
    if (!text.equals("true") && !text.equals("false")) {
      problem(key, "'" + text + "' is not true or false");
      return false;
    }
    return Boolean.parseBoolean(text);
  }

  long positiveLong(String key) {
    try {
      long value = Long.parseLong(string(key).replace("_", "").trim());
      if (value > 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problem(key, "'" + string(key) + "' is not a whole number greater than 0");
    return 1;
  }

  int positiveInt(String key) {
    long value = positiveLong(key);
    if (value > Integer.MAX_VALUE) {
      problem(key, value + " is too large (at most " + Integer.MAX_VALUE + ")");
      return 1;
    }
    return (int) value;
  }

  int positiveOrZeroInt(String key) {
    return string(key).trim().equals("0") ? 0 : positiveInt(key);
  }

  int port(String key) {
    int port = positiveInt(key);
    if (port > 65535) {
      problem(key, port + " is not a TCP port (1-65535)");
    }
    return port;
  }

  double number(String key) {
    try {
      return Double.parseDouble(string(key));
    } catch (NumberFormatException e) {
      problem(key, "'" + string(key) + "' is not a number");
      return 1.0;
    }
  }

  Duration duration(String key) {
    String text = string(key).trim().toLowerCase(Locale.ROOT);
    try {
      if (text.startsWith("pt")) {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).trim()));
      }
      long amount = Long.parseLong(text.substring(0, text.length() - 1).trim());
      switch (text.charAt(text.length() - 1)) {
        case 's':
          return Duration.ofSeconds(amount);
        case 'm':
          return Duration.ofMinutes(amount);
        case 'h':
          return Duration.ofHours(amount);
        default:
          break;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    problem(key, "'" + string(key) + "' is not a duration such as 200ms, 30s, 5m or 1h");
    return Duration.ofSeconds(1);
  }

  void tableId(String key, String text) {
    try {
      TableId.parse(text);
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
    }
  }

  /**
   * An open map of text values: a YAML mapping, or {@code name=value,name=value} from a variable or
   * flag.
   */
  Map<String, String> stringMap(String key, String yamlExample, String textExample) {
    JsonNode node = node(key);
    Map<String, String> tags = new LinkedHashMap<>();
    if (node == null || node.isNull()) {
      return tags;
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = node.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          problem(key + "." + e.getKey(), "expected a single value, e.g. " + yamlExample);
        } else {
          tags.put(e.getKey(), e.getValue().asText());
        }
      }
      return tags;
    }
    if (!node.isValueNode()) {
      problem(key, "expected a mapping, e.g. {" + yamlExample + "}");
      return tags;
    }
    for (String pair : node.asText().split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        problem(
            key,
            "'" + pair.trim() + "' is not name=value; write " + textExample + " or a YAML mapping");
      } else {
        tags.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
      }
    }
    return tags;
  }
}

package io.dcp.core.mapping;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * Reads one payload into a Jackson tree, keeping what Jackson's own tree reader loses or lets
 * through: a JSON {@code -0.0} stays a negative zero (a decimal has none), and a string or field
 * name holding an escaped lone UTF-16 surrogate ({@code "\ud800"}) is refused, since no Unicode
 * text can hold it and a sink would write it as {@code ?}.
 *
 * <p>Duplicate keys, trailing content, nesting deeper than the limit and numbers longer than
 * Jackson's {@link StreamReadConstraints#DEFAULT_MAX_NUM_LEN} characters fail in the parser. The
 * tree is built without recursion. Thread-safe.
 */
final class PayloadReader {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private final JsonFactory factory;

  PayloadReader(int maxDepth, int maxStringLength) {
    this.factory =
        JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(maxDepth)
                    .maxStringLength(maxStringLength)
                    .maxNumberLength(Coercion.MAX_NUMBER_TEXT)
                    .build())
            .build();
  }

  /**
   * Returns the tree of {@code data}, or null when it holds no JSON value.
   *
   * @throws LoneSurrogate for a string that holds half of a UTF-16 pair
   * @throws IOException (a {@code JsonProcessingException}) for malformed JSON or a parser limit
   */
  JsonNode read(byte[] data) throws IOException {
    try (JsonParser p = factory.createParser(data)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return null;
      }
      JsonNode root = readValue(p, first);
      JsonToken trailing = p.nextToken();
      if (trailing != null) {
        throw new JsonParseException(
            p, "trailing content after the top-level value", p.currentTokenLocation());
      }
      return root;
    }
  }

  private static JsonNode readValue(JsonParser p, JsonToken first) throws IOException {
    Deque<ContainerNode<?>> open = new ArrayDeque<>();
    JsonNode root = null;
    String name = null;
    JsonToken token = first;
    while (true) {
      JsonNode value;
      switch (token) {
        case START_OBJECT -> value = NODES.objectNode();
        case START_ARRAY -> value = NODES.arrayNode();
        case END_OBJECT, END_ARRAY -> {
          open.pop();
          if (open.isEmpty()) {
            return root;
          }
          token = p.nextToken();
          continue;
        }
        case FIELD_NAME -> {
          name = checked(p.currentName(), p);
          token = p.nextToken();
          continue;
        }
        case VALUE_STRING -> value = NODES.textNode(checked(p.getText(), p));
        case VALUE_NUMBER_INT ->
            value =
                switch (p.getNumberType()) {
                  case INT -> NODES.numberNode(p.getIntValue());
                  case LONG -> NODES.numberNode(p.getLongValue());
                  default -> NODES.numberNode(p.getBigIntegerValue());
                };
        case VALUE_NUMBER_FLOAT -> value = decimal(p);
        case VALUE_TRUE -> value = NODES.booleanNode(true);
        case VALUE_FALSE -> value = NODES.booleanNode(false);
        case VALUE_NULL -> value = NODES.nullNode();
        default -> throw new JsonParseException(p, "unexpected " + token);
      }
      ContainerNode<?> parent = open.peek();
      if (parent == null) {
        root = value;
      } else if (parent instanceof ObjectNode object) {
        object.set(name, value);
      } else {
        ((ArrayNode) parent).add(value);
      }
      if (value instanceof ContainerNode<?> container) {
        open.push(container);
      } else if (parent == null) {
        return root;
      }
      token = p.nextToken();
    }
  }

  /** A decimal node, except that {@code -0.0} (or {@code -0e5}) is the double negative zero. */
  private static JsonNode decimal(JsonParser p) throws IOException {
    BigDecimal value = p.getDecimalValue();
    if (value.signum() == 0 && p.getText().startsWith("-")) {
      return NODES.numberNode(-0.0d);
    }
    return NODES.numberNode(value);
  }

  private static String checked(String text, JsonParser p) throws LoneSurrogate {
    int at = loneSurrogate(text);
    if (at >= 0) {
      throw new LoneSurrogate(text.charAt(at), p.currentTokenLocation());
    }
    return text;
  }

  /** The index of the first UTF-16 surrogate in {@code text} that is not half of a pair, or -1. */
  static int loneSurrogate(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
        continue;
      }
      return i;
    }
    return -1;
  }

  /** The reason a text holding {@code surrogate} alone is refused. */
  static String loneSurrogateReason(char surrogate) {
    return String.format(
        Locale.ROOT,
        "holds a lone surrogate \\u%04x (half of a UTF-16 pair, no character)",
        (int) surrogate);
  }

  /** A string holds an escaped UTF-16 surrogate that is not half of a pair. */
  static final class LoneSurrogate extends IOException {
    LoneSurrogate(char surrogate, JsonLocation at) {
      super(
          "string "
              + loneSurrogateReason(surrogate)
              + " at line "
              + at.getLineNr()
              + ", column "
              + at.getColumnNr(),
          null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}

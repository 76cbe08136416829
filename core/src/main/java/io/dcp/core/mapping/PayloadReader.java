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
    try (JsonParser p = parser(data)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        return null;
      }
      JsonNode root = readValue(p, first);
      checkEnd(p);
      return root;
    }
  }

  /** A parser over {@code data} with this reader's limits and duplicate-key detection. */
  JsonParser parser(byte[] data) throws IOException {
    return factory.createParser(data);
  }

  /** Refuses anything after the top-level value, which {@code p} has just read. */
  static void checkEnd(JsonParser p) throws IOException {
    JsonToken trailing = p.nextToken();
    if (trailing != null) {
      throw new JsonParseException(
          p, "trailing content after the top-level value", p.currentTokenLocation());
    }
  }

  /**
   * Reads past the value starting at {@code token}, held to the same checks as {@link #readValue}
   * (lone surrogates, unreadable numbers) without building it.
   */
  static void skip(JsonParser p, JsonToken token) throws IOException {
    int depth = 0;
    JsonToken at = token;
    while (true) {
      switch (at) {
        case START_OBJECT, START_ARRAY -> depth++;
        case END_OBJECT, END_ARRAY -> depth--;
        default -> check(p, at);
      }
      if (depth == 0) {
        return;
      }
      at = p.nextToken();
    }
  }

  /**
   * Reads to the end of the top-level value from inside it, with the checks of {@link #skip}: what
   * a payload still owes the parse once a value in it is refused, so that a parse error anywhere
   * wins over a mapping one, as when the whole tree is read first.
   */
  static void skipRest(JsonParser p) throws IOException {
    while (!p.getParsingContext().inRoot()) {
      JsonToken token = p.nextToken();
      if (token == null) {
        return;
      }
      check(p, token);
    }
  }

  private static void check(JsonParser p, JsonToken token) throws IOException {
    switch (token) {
      case FIELD_NAME -> checked(p.currentName(), p);
      case VALUE_STRING -> checked(p.getText(), p);
      case VALUE_NUMBER_FLOAT -> {
        if (hasExponent(p)) {
          p.getDecimalValue(); // an exponent past a decimal's scale is unreadable JSON
        }
      }
      default -> {}
    }
  }

  /** Whether the current number token has an exponent part, read from the parser's buffer. */
  static boolean hasExponent(JsonParser p) throws IOException {
    char[] text = p.getTextCharacters();
    int end = p.getTextOffset() + p.getTextLength();
    for (int i = p.getTextOffset(); i < end; i++) {
      if (text[i] == 'e' || text[i] == 'E') {
        return true;
      }
    }
    return false;
  }

  /**
   * The node of the scalar token {@code token} as the tree holds it: strings checked for lone
   * surrogates, floats as exact decimals.
   */
  static JsonNode scalar(JsonParser p, JsonToken token) throws IOException {
    return switch (token) {
      case VALUE_STRING -> NODES.textNode(checked(p.getText(), p));
      case VALUE_NUMBER_INT ->
          switch (p.getNumberType()) {
            case INT -> NODES.numberNode(p.getIntValue());
            case LONG -> NODES.numberNode(p.getLongValue());
            default -> NODES.numberNode(p.getBigIntegerValue());
          };
      case VALUE_NUMBER_FLOAT -> decimal(p);
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      default -> throw new JsonParseException(p, "unexpected " + token);
    };
  }

  /** Reads the value starting at {@code first}, a whole subtree for a container. */
  static JsonNode readValue(JsonParser p, JsonToken first) throws IOException {
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
        default -> value = scalar(p, token);
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

  static String checked(String text, JsonParser p) throws LoneSurrogate {
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

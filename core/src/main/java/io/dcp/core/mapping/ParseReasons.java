package io.dcp.core.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * How a dead letter's reason describes a payload that does not parse, or parses to a non-object.
 */
final class ParseReasons {
  private ParseReasons() {}

  /** The reason a payload that the parser refuses is a {@code parse} dead letter. */
  static String failure(Exception e, int maxDepth) {
    if (e instanceof PayloadReader.LoneSurrogate) {
      return e.getMessage();
    }
    if (e instanceof StreamConstraintsException limit) {
      String text = oneLine(limit.getOriginalMessage());
      return text.startsWith("Document nesting depth")
          ? "JSON nested deeper than " + maxDepth + " levels"
          : "JSON over a reading limit: " + text;
    }
    if (e instanceof JsonProcessingException malformed) {
      String where =
          malformed.getLocation() == null
              ? ""
              : " at line "
                  + malformed.getLocation().getLineNr()
                  + ", column "
                  + malformed.getLocation().getColumnNr();
      return "malformed JSON: " + oneLine(malformed.getOriginalMessage()) + where;
    }
    return "unreadable JSON: " + oneLine(e.getMessage());
  }

  /** A JSON value's kind, as a reason names it: "an array", "a string", "null". */
  static String kind(JsonNode node) {
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

  /** A Jackson message on one line of at most 200 characters, without its source location. */
  static String oneLine(String text) {
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
}

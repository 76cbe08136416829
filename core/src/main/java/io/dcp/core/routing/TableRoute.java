package io.dcp.core.routing;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code table.route} template: the table of each message, built from text and the values of
 * its attributes ({@code ${attr:type}}) or top-level or nested payload fields ({@code
 * ${field:kind}}, {@code ${field:meta.kind}}), as in {@code events_${attr:type}}.
 *
 * <p>A value goes into a table name only when it is made of letters, digits, {@code _} and {@code
 * -}: a message whose value is anything else is {@link Resolution.Invalid}, so that no payload can
 * name a table outside the template's pattern. A missing, null or empty value, a field that is not
 * a string, number or boolean, and a payload that is not a JSON object make it {@link
 * Resolution.Missing}: the message goes to the default table.
 */
public final class TableRoute {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern ATTRIBUTE = Pattern.compile("attr:(.+)");
  private static final Pattern FIELD =
      Pattern.compile("field:([A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)*)");
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_-]{1,256}");

  private final String template;
  private final List<Part> parts;
  private final boolean readsPayload;
  private final ObjectReader reader;

  private TableRoute(String template, List<Part> parts) {
    this.template = template;
    this.parts = List.copyOf(parts);
    this.readsPayload = parts.stream().anyMatch(p -> p instanceof Part.PayloadField);
    JsonMapper mapper = JsonMapper.builder().build();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(MappingConfig.DEFAULT_MAX_DEPTH)
                .maxStringLength(MappingConfig.DEFAULT_MAX_PAYLOAD_BYTES)
                .build());
    this.reader = mapper.reader();
  }

  /**
   * Parses a template.
   *
   * @throws IllegalArgumentException naming the placeholder that is not {@code ${attr:NAME}} or
   *     {@code ${field:name.name}}, or a template with no placeholder
   */
  public static TableRoute parse(String template) {
    requireNonNull(template, "template");
    List<Part> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    int last = 0;
    boolean placeholder = false;
    while (m.find()) {
      if (m.start() > last) {
        parts.add(new Part.Text(template.substring(last, m.start())));
      }
      String inside = m.group(1);
      Matcher attribute = ATTRIBUTE.matcher(inside);
      Matcher field = FIELD.matcher(inside);
      if (attribute.matches()) {
        parts.add(new Part.Attribute(attribute.group(1)));
      } else if (field.matches()) {
        parts.add(new Part.PayloadField(List.of(field.group(1).split("\\."))));
      } else {
        throw new IllegalArgumentException(
            "'${"
                + inside
                + "}' is not a placeholder dcp knows: use ${attr:NAME} for an attribute or"
                + " ${field:NAME} (or ${field:a.b}) for a payload field");
      }
      placeholder = true;
      last = m.end();
    }
    if (last < template.length()) {
      String rest = template.substring(last);
      if (rest.contains("${")) {
        throw new IllegalArgumentException("'" + rest + "' has an unclosed ${");
      }
      parts.add(new Part.Text(rest));
    }
    if (!placeholder) {
      throw new IllegalArgumentException(
          "'"
              + template
              + "' has no placeholder; give one, as in events_${attr:type}, or set table.id"
              + " alone");
    }
    return new TableRoute(template, parts);
  }

  /** Where a message goes, as far as the template can tell. */
  public sealed interface Resolution {
    /** The template's text with every value in place. */
    record Named(String table) implements Resolution {}

    /** A value the template needs is absent: the message goes to the default table. */
    record Missing() implements Resolution {}

    /** A value cannot be part of a table name; {@code where} names its source. */
    record Invalid(String where, String value) implements Resolution {}
  }

  /** Resolves the template for one message. Never throws for any message content. */
  public Resolution resolve(Message message) {
    JsonNode payload = readsPayload ? readPayload(message) : null;
    StringBuilder name = new StringBuilder();
    for (Part part : parts) {
      String value;
      String where;
      if (part instanceof Part.Text t) {
        name.append(t.text());
        continue;
      } else if (part instanceof Part.Attribute a) {
        value = message.attributes().get(a.name());
        where = "attribute:" + a.name();
      } else {
        List<String> names = ((Part.PayloadField) part).names();
        value = fieldText(payload, names);
        where = "$." + String.join(".", names);
      }
      if (value == null || value.isEmpty()) {
        return new Resolution.Missing();
      }
      if (!VALUE.matcher(value).matches()) {
        return new Resolution.Invalid(where, value);
      }
      name.append(value);
    }
    return new Resolution.Named(name.toString());
  }

  private JsonNode readPayload(Message message) {
    try {
      return reader.readTree(message.dataUnsafe());
    } catch (IOException | RuntimeException e) {
      // The mapper says what is wrong with the payload, at the default table.
      return null;
    }
  }

  private static String fieldText(JsonNode payload, List<String> names) {
    JsonNode node = payload;
    for (String name : names) {
      if (node == null || !node.isObject()) {
        return null;
      }
      node = node.get(name);
    }
    return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
  }

  @Override
  public String toString() {
    return template;
  }

  private sealed interface Part {
    record Text(String text) implements Part {}

    record Attribute(String name) implements Part {}

    record PayloadField(List<String> names) implements Part {}
  }
}

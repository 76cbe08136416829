package io.dcp.beam;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.beans.Introspector;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.beam.sdk.options.Description;
import org.junit.jupiter.api.Test;

/** The Flex Template spec describes exactly the job's options, so the two cannot drift apart. */
class FlexTemplateMetadataTest {
  static final Path METADATA = Path.of("src/main/flex-template/metadata.json");

  @Test
  void everyOptionIsAParameterAndEveryParameterAnOption() throws Exception {
    JsonNode parameters = new ObjectMapper().readTree(METADATA.toFile()).get("parameters");
    Set<String> documented = new TreeSet<>();
    for (JsonNode p : parameters) {
      documented.add(p.get("name").asText());
      assertThat(p.get("label").asText()).as(p.get("name").asText()).isNotBlank();
      assertThat(p.get("helpText").asText()).as(p.get("name").asText()).isNotBlank();
    }
    Set<String> options = new TreeSet<>();
    for (Method m : DcpBeamOptions.class.getDeclaredMethods()) {
      if (m.getName().startsWith("get") && m.isAnnotationPresent(Description.class)) {
        options.add(Introspector.decapitalize(m.getName().substring(3)));
      }
    }
    assertThat(documented).isEqualTo(options);
  }

  @Test
  void regexesAcceptGoodValuesAndRejectBadOnes() throws Exception {
    Map<String, Pattern> regexes = new HashMap<>();
    for (JsonNode p : new ObjectMapper().readTree(METADATA.toFile()).get("parameters")) {
      if (p.has("regexes")) {
        regexes.put(p.get("name").asText(), Pattern.compile(p.get("regexes").get(0).asText()));
      }
    }
    assertThat(regexes.get("inputSubscription").matcher("projects/p/subscriptions/s").matches())
        .isTrue();
    assertThat(regexes.get("inputSubscription").matcher("s").matches()).isFalse();
    assertThat(regexes.get("outputTable").matcher("my-project:market.quotes").matches()).isTrue();
    assertThat(regexes.get("outputTable").matcher("quotes").matches()).isFalse();
    assertThat(regexes.get("writeMode").matcher("AT_LEAST_ONCE").matches()).isTrue();
    assertThat(regexes.get("writeMode").matcher("exactly").matches()).isFalse();
    assertThat(regexes.get("triggeringFrequencySeconds").matcher("0").matches()).isFalse();
    assertThat(regexes.get("schemaFile").matcher("gs://bucket/quotes.json").matches()).isTrue();
  }
}

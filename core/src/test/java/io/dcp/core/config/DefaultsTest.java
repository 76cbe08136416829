package io.dcp.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.pipeline.PipelineSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code defaults.yaml} is where a default is written; the records' own defaults ({@link
 * PipelineSettings#defaults()}, {@link MappingConfig#typed()}) hold the same numbers for code that
 * builds them without a config. These tests fail, naming the key, when the two drift apart.
 */
@Timeout(30)
class DefaultsTest {
  private static final Map<String, Function<PipelineSettings, Object>> PIPELINE =
      new LinkedHashMap<>();
  private static final Map<String, Function<MappingConfig, Object>> MAPPING = new LinkedHashMap<>();

  static {
    PIPELINE.put("pipeline.maxBatchRows", PipelineSettings::maxBatchRows);
    PIPELINE.put("pipeline.maxBatchBytes", PipelineSettings::maxBatchBytes);
    PIPELINE.put("pipeline.maxBatchLatency", PipelineSettings::maxBatchLatency);
    PIPELINE.put("pipeline.maxInFlightMessages", PipelineSettings::maxInFlightMessages);
    PIPELINE.put("pipeline.maxInFlightBytes", PipelineSettings::maxInFlightBytes);
    PIPELINE.put("pipeline.writeThreads", PipelineSettings::writeThreads);
    PIPELINE.put("pipeline.drainTimeout", PipelineSettings::drainTimeout);
    PIPELINE.put("pipeline.dedupWindowSize", PipelineSettings::dedupWindowSize);
    PIPELINE.put("pipeline.retry.initialBackoff", s -> s.retry().initialBackoff());
    PIPELINE.put("pipeline.retry.maxBackoff", s -> s.retry().maxBackoff());
    PIPELINE.put("pipeline.retry.multiplier", s -> s.retry().multiplier());
    PIPELINE.put("pipeline.retry.jitter", s -> s.retry().jitter());
    PIPELINE.put("pipeline.retry.maxAttempts", s -> s.retry().maxAttempts());

    MAPPING.put("mapping.mode", MappingConfig::mode);
    MAPPING.put("mapping.unknownFields", MappingConfig::unknownFields);
    MAPPING.put("mapping.keepColumn", MappingConfig::keepColumn);
    MAPPING.put("mapping.explodeArrays", MappingConfig::explodeArrays);
    MAPPING.put("mapping.maxPayloadBytes", MappingConfig::maxPayloadBytes);
    MAPPING.put("mapping.maxDepth", MappingConfig::maxDepth);
    MAPPING.put("mapping.columns", MappingConfig::columns);
  }

  /** The config of a file that sets only the keys without a default. */
  private static DcpConfig fromDefaults() throws ConfigException {
    return new ConfigLoader(Map.of())
        .load(
            null,
            List.of("source.ndjson.paths=events.ndjson", "table.id=quotes", "table.schema=s.json"));
  }

  @Test
  void pipelineSettingsDefaultsAreThoseOfDefaultsYaml() throws ConfigException {
    PipelineSettings fromYaml = fromDefaults().pipeline();
    PipelineSettings inCode = PipelineSettings.defaults();
    for (Map.Entry<String, Function<PipelineSettings, Object>> key : PIPELINE.entrySet()) {
      assertThat(key.getValue().apply(inCode))
          .as("%s: PipelineSettings.defaults() against defaults.yaml", key.getKey())
          .isEqualTo(key.getValue().apply(fromYaml));
    }
    assertThat(inCode).isEqualTo(fromYaml);
  }

  @Test
  void everyPipelineKeyIsComparedWithPipelineSettingsDefaults() {
    assertThat(keysUnder("pipeline.")).containsExactlyElementsOf(PIPELINE.keySet());
  }

  @Test
  void typedMappingDefaultsAreThoseOfDefaultsYaml() throws ConfigException {
    MappingConfig fromYaml = fromDefaults().mapping();
    MappingConfig inCode = MappingConfig.typed();
    for (Map.Entry<String, Function<MappingConfig, Object>> key : MAPPING.entrySet()) {
      assertThat(key.getValue().apply(inCode))
          .as("%s: MappingConfig.typed() against defaults.yaml", key.getKey())
          .isEqualTo(key.getValue().apply(fromYaml));
    }
    assertThat(inCode).isEqualTo(fromYaml);
  }

  @Test
  void everyTypedMappingKeyIsComparedWithMappingConfigTyped() {
    // payloadColumn and arrivalColumn are raw mode's, given to MappingConfig.raw by the config.
    assertThat(keysUnder("mapping."))
        .containsExactlyInAnyOrderElementsOf(
            concat(MAPPING.keySet(), List.of("mapping.payloadColumn", "mapping.arrivalColumn")));
  }

  private static List<String> keysUnder(String prefix) {
    return ConfigLoader.defaults().keySet().stream()
        .filter(k -> k.startsWith(prefix))
        .collect(Collectors.toList());
  }

  private static List<String> concat(Iterable<String> a, List<String> b) {
    List<String> all = new java.util.ArrayList<>();
    a.forEach(all::add);
    all.addAll(b);
    return all;
  }
}

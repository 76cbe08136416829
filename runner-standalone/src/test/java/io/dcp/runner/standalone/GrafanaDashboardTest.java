package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dcp.core.model.Stage;
import io.dcp.core.model.TableId;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/grafana/dcp-dashboard.json queries only what the runner exports, so it cannot drift. */
class GrafanaDashboardTest {
  private static final Path DASHBOARD = Path.of("../docs/grafana/dcp-dashboard.json");
  private static final Pattern METRIC = Pattern.compile("\\bdcp_[a-z_]+");
  private static final Pattern GROUPING = Pattern.compile("\\bby \\(([^)]*)\\)");
  private static final Pattern MATCHER = Pattern.compile("([a-z_]+)=~?\"");

  /** Labels Prometheus adds to every scraped series. */
  private static final Set<String> TARGET_LABELS = Set.of("instance", "job");

  private static String scrapeOfEveryMetric() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerPipelineMetrics metrics = new MicrometerPipelineMetrics(registry);
    TableId table = TableId.local("quotes");
    metrics.messageReceived(100);
    metrics.rowsWritten(table, 1);
    metrics.deadLettered(Stage.MAP, 1);
    metrics.batchWritten(table, 1, 100, Duration.ofMillis(5));
    metrics.writeRetried(table);
    metrics.acked(1);
    metrics.nacked(1);
    metrics.duplicateDropped();
    metrics.endToEndLatency(Duration.ofMillis(50));
    metrics.registerInFlight(() -> 1, () -> 100);
    return registry.scrape();
  }

  private static Set<String> exportedNames(String scrape) {
    Set<String> names = new TreeSet<>();
    for (String line : scrape.split("\n")) {
      if (!line.isEmpty() && !line.startsWith("#")) {
        names.add(line.split("[{ ]", 2)[0]);
      }
    }
    return names;
  }

  private static Set<String> exportedLabels(String scrape) {
    Set<String> labels = new TreeSet<>(TARGET_LABELS);
    Matcher m = MATCHER.matcher(scrape);
    while (m.find()) {
      labels.add(m.group(1));
    }
    return labels;
  }

  private static List<String> expressions() throws Exception {
    JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
    List<String> exprs = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.get("targets")) {
        exprs.add(target.get("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.at("/templating/list")) {
      if (variable.has("definition")) {
        exprs.add(variable.get("definition").asText());
      }
    }
    return exprs;
  }

  @Test
  void everyQueryNamesAMetricAndLabelsTheRunnerExports() throws Exception {
    String scrape = scrapeOfEveryMetric();
    Set<String> names = exportedNames(scrape);
    Set<String> labels = exportedLabels(scrape);
    List<String> exprs = expressions();

    assertThat(exprs).hasSizeGreaterThan(10);
    for (String expr : exprs) {
      Matcher metric = METRIC.matcher(expr);
      assertThat(metric.find()).as("%s queries a dcp metric", expr).isTrue();
      do {
        assertThat(names)
            .as("the runner exports %s (used in %s)", metric.group(), expr)
            .contains(metric.group());
      } while (metric.find());
      Matcher grouping = GROUPING.matcher(expr);
      while (grouping.find()) {
        for (String label : grouping.group(1).split(",")) {
          assertThat(labels).as("label %s in %s", label.trim(), expr).contains(label.trim());
        }
      }
      Matcher matcher = MATCHER.matcher(expr);
      while (matcher.find()) {
        assertThat(labels).as("label %s in %s", matcher.group(1), expr).contains(matcher.group(1));
      }
    }
  }

  @Test
  void everyMetricTheRunnerExportsIsOnTheDashboard() throws Exception {
    String all = String.join("\n", expressions());
    Set<String> families = new TreeSet<>();
    for (String name : exportedNames(scrapeOfEveryMetric())) {
      // A summary's _count and _sum are one family; a panel may show either.
      families.add(name.replaceAll("_(count|sum)$", ""));
    }

    assertThat(families)
        .allSatisfy(
            family ->
                assertThat(all)
                    .as("the dashboard shows %s", family)
                    .containsPattern(Pattern.quote(family) + "(_count|_sum)?\\b"));
  }
}

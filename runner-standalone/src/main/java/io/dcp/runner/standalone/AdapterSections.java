package io.dcp.runner.standalone;

import io.dcp.adapters.bigquery.BigQuerySinkSection;
import io.dcp.adapters.duckdb.DuckDbSinkSection;
import io.dcp.adapters.http.HttpSourceSection;
import io.dcp.adapters.javascript.JavaScriptTransformSection;
import io.dcp.adapters.ndjson.NdjsonSourceSection;
import io.dcp.adapters.pubsub.PubSubDeadLetterSection;
import io.dcp.adapters.pubsub.PubSubSourceSection;
import io.dcp.core.config.ConfigSection;
import io.dcp.core.config.DcpConfig;
import io.dcp.core.config.SourceType;
import java.util.List;

/**
 * The config sections the adapters own, which every command hands to the loader with core's, and
 * what the runner derives from them.
 */
final class AdapterSections {
  /** Every adapter's section: their problems come in the same report as core's. */
  static final List<ConfigSection<?>> ALL =
      List.of(
          NdjsonSourceSection.INSTANCE,
          HttpSourceSection.INSTANCE,
          PubSubSourceSection.INSTANCE,
          DuckDbSinkSection.INSTANCE,
          BigQuerySinkSection.INSTANCE,
          PubSubDeadLetterSection.INSTANCE,
          JavaScriptTransformSection.INSTANCE);

  private AdapterSections() {}

  /**
   * The name dead letters and metadata give the source: {@code http:PORT}, the subscription, or the
   * NDJSON paths joined by commas.
   */
  static String sourceName(DcpConfig config) {
    SourceType type = config.source().kind();
    if (type instanceof SourceType.Http) {
      return "http:" + config.section(HttpSourceSection.INSTANCE).orElseThrow().port();
    }
    if (type instanceof SourceType.PubSub) {
      return config.section(PubSubSourceSection.INSTANCE).orElseThrow().subscription();
    }
    return String.join(",", config.section(NdjsonSourceSection.INSTANCE).orElseThrow().paths());
  }
}

package io.dcp.adapters.http;

import io.dcp.core.config.ChosenSection;
import io.dcp.core.config.SectionReader;
import io.dcp.core.config.SourceType;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code source.http} section, which this module owns: the settings of {@link
 * HttpPublishSource}, present when {@code source.type} is {@code http} and every key is right. Its
 * port must then differ from an enabled admin server's.
 */
public final class HttpSourceSection extends ChosenSection<HttpSourceSettings> {
  /** The one instance, handed to the config loader. */
  public static final HttpSourceSection INSTANCE = new HttpSourceSection();

  private HttpSourceSection() {
    super("source.http", r -> r.sourceType() instanceof SourceType.Http);
  }

  @Override
  protected Supplier<HttpSourceSettings> readKeys(SectionReader r) {
    String host = r.string("host");
    int port = r.port("port");
    List<String> topics = r.strings("topics");
    long maxRequestBytes = r.positiveLong("maxRequestBytes");
    String token = r.string("token");
    Duration ackTimeout = r.duration("ackTimeout");
    if (ackTimeout.compareTo(Duration.ofSeconds(1)) < 0
        || ackTimeout.compareTo(Duration.ofHours(1)) > 0) {
      r.problem(
          "ackTimeout",
          "'"
              + r.string("ackTimeout")
              + "' is outside 1s to 1h: a request waits this long for its messages to be committed");
    }
    return () -> new HttpSourceSettings(host, port, topics, maxRequestBytes, token, ackTimeout);
  }

  @Override
  protected void check(SectionReader r) {
    int port = r.port("port");
    if (r.admin().enabled() && port == r.admin().port()) {
      r.problem(
          "port",
          port
              + " is admin.port too: the publish endpoint and the admin server need ports of"
              + " their own");
    }
  }
}

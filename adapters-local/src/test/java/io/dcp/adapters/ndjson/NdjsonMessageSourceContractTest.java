package io.dcp.adapters.ndjson;

import io.dcp.core.port.MessageSource;
import io.dcp.core.port.MessageSourceContract;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/** The source reading stdin ({@code -}), fed line by line through a pipe while it runs. */
class NdjsonMessageSourceContractTest extends MessageSourceContract {
  private PipedOutputStream upstream;

  @Override
  protected MessageSource newSource() throws IOException {
    upstream = new PipedOutputStream();
    PipedInputStream stdin = new PipedInputStream(upstream, 64 * 1024);
    return new NdjsonMessageSource(List.of("-"), stdin, Clock.systemUTC(), 3);
  }

  @Override
  protected void publish(MessageSource source, List<String> payloads) throws IOException {
    for (String payload : payloads) {
      upstream.write((payload + "\n").getBytes(StandardCharsets.UTF_8));
    }
    upstream.flush();
  }

  @AfterEach
  void closeUpstream() throws IOException {
    if (upstream != null) {
      upstream.close();
    }
  }
}

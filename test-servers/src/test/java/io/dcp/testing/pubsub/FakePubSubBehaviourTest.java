package io.dcp.testing.pubsub;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The behaviour scenarios against {@link FakePubSubServer}: it must answer as the emulator does.
 */
class FakePubSubBehaviourTest extends PubSubBehaviourScenarios {
  private static FakePubSubServer server;

  @BeforeAll
  static void startServer() throws Exception {
    server = FakePubSubServer.start();
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  @Override
  protected String endpoint() {
    return server.endpoint();
  }
}

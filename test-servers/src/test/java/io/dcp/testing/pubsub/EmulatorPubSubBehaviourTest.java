package io.dcp.testing.pubsub;

import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import org.junit.jupiter.api.extension.ExtendWith;

/** The behaviour scenarios against Google's Pub/Sub emulator: the reference answers. */
@ExtendWith(PubSubEmulatorExtension.class)
class EmulatorPubSubBehaviourTest extends PubSubBehaviourScenarios {
  private final PubSubEmulator emulator;

  EmulatorPubSubBehaviourTest(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @Override
  protected String endpoint() {
    return emulator.hostPort();
  }
}

package io.dcp.adapters.pubsub;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.DeadLetterSinkContract;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.MessageSource;
import io.dcp.core.port.MessageSourceContract;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Pub/Sub source and dead-letter topic against the ports' contracts, on Google's emulator. */
@ExtendWith(PubSubEmulatorExtension.class)
class PubSubContractsTest {
  private final PubSubEmulator emulator;
  private EmulatorResources pubsub;

  PubSubContractsTest(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void connect() {
    pubsub = new EmulatorResources(emulator.hostPort());
  }

  @AfterEach
  void disconnect() throws InterruptedException {
    pubsub.close();
  }

  @Nested
  class SourceOnTheEmulator extends MessageSourceContract {
    private String topic;

    @Override
    protected MessageSource newSource() {
      topic = pubsub.topic("contract-source");
      String subscription = pubsub.subscription("contract-source-dcp", topic);
      return new PubSubMessageSource(
          PubSubSourceSettings.defaults(subscription).withEndpoint(emulator.hostPort()), Map.of());
    }

    @Override
    protected void publish(MessageSource source, List<String> payloads) {
      pubsub.publishTexts(topic, payloads);
    }
  }

  @Nested
  class DeadLetterTopicOnTheEmulator extends DeadLetterSinkContract {
    private String subscription;

    @Override
    protected DeadLetterSink newSink() throws Exception {
      String topic = pubsub.topic("contract-dead-letters");
      subscription = pubsub.subscription("contract-dead-letters-replay", topic);
      return new PubSubDeadLetterSink(
          PubSubDeadLetterSettings.defaults(topic).withEndpoint(emulator.hostPort()),
          "projects/local/subscriptions/contract-source-dcp",
          Map.of());
    }

    @Override
    protected List<DeadLetter> committedDeadLetters() throws Exception {
      try (DeadLetterStore store =
          new PubSubDeadLetterStore(
              PubSubDeadLetterStoreSettings.defaults(subscription)
                  .withEndpoint(emulator.hostPort()),
              Map.of())) {
        return store.find(DeadLetterQuery.all()).stream()
            .map(DeadLetterStore.Stored::deadLetter)
            .toList();
      }
    }
  }
}

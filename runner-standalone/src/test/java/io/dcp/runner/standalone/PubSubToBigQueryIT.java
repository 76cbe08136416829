package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.process.EmulatorCloud.DEAD_LETTERS;
import static io.dcp.runner.standalone.process.EmulatorCloud.TABLE;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.model.Row;
import io.dcp.runner.standalone.process.EmulatorCloud;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import io.dcp.testing.process.DcpProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code dcp} as a separate process: the quickstart's messages published to Google's
 * Pub/Sub emulator, pulled by {@code dcp run} and written to the BigQuery test servers, with
 * everything set in the config file.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PubSubToBigQueryIT {
  static final Path EXAMPLE = Path.of("../examples/quickstart");

  private final PubSubEmulator emulator;
  @TempDir Path dir;
  EmulatorCloud cloud;
  DcpProcess dcp;

  PubSubToBigQueryIT(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void startServers() throws Exception {
    cloud = EmulatorCloud.start(emulator);
  }

  @AfterEach
  void stopAll() throws Exception {
    if (dcp != null && dcp.isAlive()) {
      dcp.kill();
    }
    cloud.close();
  }

  @Test
  void pubSubMessagesLandInBigQueryAndBadOnesInTheDeadLetterTable() throws Exception {
    List<String> ids = publishQuickstart();
    Path config =
        cloud.config(
            dir,
            EXAMPLE.resolve("schema.json"),
            """
            deadLetter:
              type: bigquery-table
              table: demo-project.market.dead_letters
            admin:
              enabled: false
            """);

    String out = run(config, () -> cloud.settledIds().containsAll(ids));

    assertThat(out).contains("1,005 messages, 1,000 rows written").contains("5 dead letters");
    assertThat(cloud.rest.table(TABLE)).isPresent();
    List<Row> rows = cloud.write.rows(TABLE);
    assertThat(rows).hasSize(1_000);
    assertThat(new HashSet<>(cloud.messageIds(TABLE))).hasSize(1_000);
    Row first =
        rows.stream().filter(r -> r.get("message_id").equals(ids.get(0))).findFirst().orElseThrow();
    assertThat(first.get("symbol")).isEqualTo("AAPL");
    assertThat(first.get("bid")).isEqualTo(195.72);
    assertThat(first.get("size")).isEqualTo(2600L);
    assertThat(first.get("tags")).isEqualTo(List.of("lit", "auction"));
    assertThat(cloud.write.rows(DEAD_LETTERS))
        .extracting(r -> r.get("errorMessage"))
        .containsExactlyInAnyOrder(
            "map: $.bid: \"12,5\" is not a FLOAT64",
            "parse: malformed JSON: Unexpected end-of-input: expected close marker for Object at"
                + " line 1, column 56",
            "map: $.symbol: missing required field",
            "decode: invalid UTF-8 at byte 11",
            "map: $.size: 1.5 is not an INT64 (it has a fraction)");
  }

  @Test
  void badMessagesGoToTheDeadLetterTopicWithTheirReason() throws Exception {
    List<String> ids = publishQuickstart();
    Path config =
        cloud.config(
            dir,
            EXAMPLE.resolve("schema.json"),
            """
            deadLetter:
              type: pubsub-topic
              pubsub:
                topic: %s
                endpoint: %s
            admin:
              enabled: false
            """
                .formatted(cloud.deadLetterTopic, cloud.endpoint()));

    // Read back through a subscription on the dead-letter topic, as an operator would.
    List<PubsubMessage> dead = new ArrayList<>();
    String out =
        run(
            config,
            () -> {
              dead.addAll(cloud.pullDeadLetters());
              return dead.size() >= 5 && new HashSet<>(cloud.messageIds(TABLE)).size() == 1_000;
            });

    assertThat(out).contains("dead letters published to " + cloud.deadLetterTopic);
    assertThat(cloud.write.rows(TABLE)).hasSize(1_000);
    assertThat(dead)
        .extracting(m -> m.getAttributesOrThrow("dcp_message_id"))
        .containsExactlyInAnyOrder(
            ids.get(200), ids.get(400), ids.get(600), ids.get(800), ids.get(1000));
    PubsubMessage bid =
        dead.stream()
            .filter(m -> m.getAttributesOrThrow("dcp_message_id").equals(ids.get(200)))
            .findFirst()
            .orElseThrow();
    assertThat(bid.getAttributesOrThrow("dcp_error"))
        .isEqualTo("map: $.bid: \"12,5\" is not a FLOAT64");
    assertThat(bid.getAttributesOrThrow("dcp_subscription")).isEqualTo(cloud.subscription);
    assertThat(bid.getAttributesOrThrow("line")).isEqualTo("201");
  }

  /**
   * Runs dcp until {@code settled} holds (every message stored), then stops it with SIGTERM, which
   * drains and acks; returns its output.
   */
  private String run(Path config, BooleanSupplier settled) throws Exception {
    dcp = DcpProcess.start(config, dir.resolve("dcp.log"), 0);
    dcp.await(settled, Duration.ofSeconds(90));
    int status = dcp.terminate(Duration.ofSeconds(60));
    String out = dcp.log();
    // 143 = terminated by SIGTERM after the shutdown hook drained the pipeline.
    assertThat(status).as(out).isIn(0, 143);
    assertThat(out).contains("Done in");
    return out;
  }

  /** Publishes each quickstart line with the real Publisher; returns the ids in line order. */
  private List<String> publishQuickstart() throws Exception {
    List<byte[]> lines = new ArrayList<>();
    byte[] all = Files.readAllBytes(EXAMPLE.resolve("events.ndjson"));
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        lines.add(Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    ManagedChannel channel =
        ManagedChannelBuilder.forTarget(cloud.endpoint()).usePlaintext().build();
    Publisher publisher =
        Publisher.newBuilder(cloud.topic)
            .setChannelProvider(
                FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
            .setCredentialsProvider(NoCredentialsProvider.create())
            .build();
    try {
      List<ApiFuture<String>> futures = new ArrayList<>();
      for (int i = 0; i < lines.size(); i++) {
        futures.add(
            publisher.publish(
                PubsubMessage.newBuilder()
                    .setData(ByteString.copyFrom(lines.get(i)))
                    .putAttributes("line", Integer.toString(i + 1))
                    .build()));
      }
      return ApiFutures.allAsList(futures).get(30, TimeUnit.SECONDS);
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(10, TimeUnit.SECONDS);
      channel.shutdownNow();
    }
  }
}

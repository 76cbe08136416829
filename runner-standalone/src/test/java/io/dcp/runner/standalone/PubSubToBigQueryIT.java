package io.dcp.runner.standalone;

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
import io.dcp.core.model.TableId;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import io.dcp.testing.pubsub.FakePubSubServer;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code dcp} as a separate process: the quickstart's messages published to the
 * Pub/Sub test server, pulled by {@code dcp run} and written to the BigQuery test servers, with
 * everything set in the config file.
 */
class PubSubToBigQueryIT {
  static final Path EXAMPLE = Path.of("../examples/quickstart");
  static final String PROJECT = "demo-project";
  static final String TOPIC = "projects/demo-project/topics/quotes";
  static final String SUBSCRIPTION = "projects/demo-project/subscriptions/quotes-dcp";
  static final String DEAD_LETTER_TOPIC = "projects/demo-project/topics/quotes-dead-letters";
  static final TableId TABLE = TableId.parse("demo-project.market.quotes");
  static final TableId DEAD_LETTERS = TableId.parse("demo-project.market.dead_letters");

  @TempDir Path dir;
  FakePubSubServer pubsub;
  FakeBigQueryWriteServer write;
  FakeBigQueryRestServer rest;
  Process dcp;

  @BeforeEach
  void startServers() throws Exception {
    pubsub = FakePubSubServer.start();
    pubsub.createTopicAndSubscription(TOPIC, SUBSCRIPTION);
    pubsub.createTopic(DEAD_LETTER_TOPIC);
    write = FakeBigQueryWriteServer.start();
    rest = FakeBigQueryRestServer.start(write);
    rest.createDataset(PROJECT, "market");
  }

  @AfterEach
  void stopAll() {
    if (dcp != null && dcp.isAlive()) {
      dcp.destroyForcibly();
    }
    rest.close();
    write.close();
    pubsub.close();
  }

  @Test
  void pubSubMessagesLandInBigQueryAndBadOnesInTheDeadLetterTable() throws Exception {
    List<String> ids = publishQuickstart();
    Path config =
        config(
            """
            deadLetter:
              type: bigquery-table
              table: demo-project.market.dead_letters
            """);

    dcp = start(config);
    waitFor(() -> pubsub.ackedIds(SUBSCRIPTION).size() == ids.size());
    String out = stop();

    assertThat(out).contains("1,005 messages, 1,000 rows written").contains("5 dead letters");
    assertThat(rest.table(TABLE)).isPresent();
    List<Row> rows = write.rows(TABLE);
    assertThat(rows).hasSize(1_000);
    assertThat(new HashSet<>(rows.stream().map(r -> r.get("message_id")).toList())).hasSize(1_000);
    Row first =
        rows.stream().filter(r -> r.get("message_id").equals(ids.get(0))).findFirst().orElseThrow();
    assertThat(first.get("symbol")).isEqualTo("AAPL");
    assertThat(first.get("bid")).isEqualTo(195.72);
    assertThat(first.get("size")).isEqualTo(2600L);
    assertThat(first.get("tags")).isEqualTo(List.of("lit", "auction"));
    assertThat(write.rows(DEAD_LETTERS))
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
        config(
            """
            deadLetter:
              type: pubsub-topic
              pubsub:
                topic: %s
                endpoint: %s
            """
                .formatted(DEAD_LETTER_TOPIC, pubsub.endpoint()));

    dcp = start(config);
    waitFor(() -> pubsub.ackedIds(SUBSCRIPTION).size() == ids.size());
    String out = stop();

    assertThat(out).contains("dead letters published to " + DEAD_LETTER_TOPIC);
    assertThat(write.rows(TABLE)).hasSize(1_000);
    List<PubsubMessage> dead = pubsub.published(DEAD_LETTER_TOPIC);
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
    assertThat(bid.getAttributesOrThrow("dcp_subscription")).isEqualTo(SUBSCRIPTION);
    assertThat(bid.getAttributesOrThrow("line")).isEqualTo("201");
  }

  /** Publishes each quickstart line with the real Publisher; returns the ids in line order. */
  private List<String> publishQuickstart() throws Exception {
    List<byte[]> lines = new ArrayList<>();
    byte[] all = Files.readAllBytes(EXAMPLE.resolve("events.ndjson"));
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    ManagedChannel channel =
        ManagedChannelBuilder.forTarget(pubsub.endpoint()).usePlaintext().build();
    Publisher publisher =
        Publisher.newBuilder(TOPIC)
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

  private Path config(String deadLetterSection) throws Exception {
    Path file = dir.resolve("dcp.yaml");
    Files.writeString(
        file,
        """
        source:
          type: pubsub
          pubsub:
            subscription: %s
            endpoint: %s
        sink:
          type: bigquery
          bigquery:
            project: %s
            endpoint: %s
            restEndpoint: %s
        table:
          id: demo-project.market.quotes
          schema: %s
          create: true
          partitioning: day
          partitionColumn: ts
          clustering: [symbol]
        mapping:
          columns:
            message_id: metadata:message_id
            ingested_at: metadata:ingested_at
        admin:
          enabled: false
        """
                .formatted(
                    SUBSCRIPTION,
                    pubsub.endpoint(),
                    PROJECT,
                    write.endpoint(),
                    rest.url(),
                    EXAMPLE.resolve("schema.json").toAbsolutePath())
            + deadLetterSection);
    return file;
  }

  private Process start(Path config) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java, "-Xmx256m", "-jar", "target/dcp.jar", "run", "--config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("dcp.log").toFile())
        .start();
  }

  /** Sends SIGTERM, as systemd or Kubernetes does, and returns what dcp printed. */
  private String stop() throws Exception {
    dcp.destroy();
    assertThat(dcp.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = Files.readString(dir.resolve("dcp.log"));
    // 143 = terminated by SIGTERM after the shutdown hook drained the pipeline.
    assertThat(dcp.exitValue()).as(out).isIn(0, 143);
    assertThat(out).contains("Done in");
    return out;
  }

  private void waitFor(BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (!dcp.isAlive() || System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "dcp did not get there:\n" + Files.readString(dir.resolve("dcp.log")));
      }
      Thread.sleep(50);
    }
  }
}

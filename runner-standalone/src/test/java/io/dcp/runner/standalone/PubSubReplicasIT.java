package io.dcp.runner.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PublishRequest;
import com.google.pubsub.v1.PublisherGrpc;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.SubscriberGrpc;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.Topic;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.runner.standalone.process.DcpProcess;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * How users scale the standalone runner: two {@code dcp run} on one subscription of Google's
 * Pub/Sub emulator, writing the Storage Write test server. One replica is killed with {@code kill
 * -9} mid-stream; the other must store every published message. Figures go to {@code
 * target/reliability.txt}.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PubSubReplicasIT {
  static final Path SCHEMA = Path.of("src/test/resources/reliability/quotes.schema.json");
  static final Path REPORT = Path.of("target/reliability.txt");
  static final TableId TABLE = TableId.parse("demo-project.market.quotes");
  static final TableId DEAD_LETTERS = TableId.parse("demo-project.market.dead_letters");

  private final PubSubEmulator emulator;
  @TempDir Path dir;
  private ManagedChannel channel;
  private FakeBigQueryWriteServer write;
  private FakeBigQueryRestServer rest;
  private final List<DcpProcess> replicas = new ArrayList<>();
  private String topic;
  private String subscription;

  PubSubReplicasIT(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void start() throws Exception {
    channel = ManagedChannelBuilder.forTarget(emulator.hostPort()).usePlaintext().build();
    String unique = Long.toString(System.nanoTime(), 36);
    // "local" is no Google Cloud project id: dcp takes it because an endpoint is set.
    topic = "projects/local/topics/quotes-" + unique;
    subscription = "projects/local/subscriptions/quotes-dcp-" + unique;
    PublisherGrpc.newBlockingStub(channel).createTopic(Topic.newBuilder().setName(topic).build());
    SubscriberGrpc.newBlockingStub(channel)
        .createSubscription(
            Subscription.newBuilder()
                .setName(subscription)
                .setTopic(topic)
                .setAckDeadlineSeconds(10)
                .build());
    write = FakeBigQueryWriteServer.start();
    rest = FakeBigQueryRestServer.start(write);
    rest.createDataset("demo-project", "market");
  }

  @AfterEach
  void stop() throws Exception {
    for (DcpProcess replica : replicas) {
      if (replica.isAlive()) {
        replica.kill();
      }
    }
    rest.close();
    write.close();
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Test
  void twoReplicasOneKilledMidStreamStoreEveryPublishedMessage() throws Exception {
    int total = 20_000;
    List<String> ids = publish(total);
    Path config = config();
    DcpProcess killed = DcpProcess.start(config, dir.resolve("a.log"), 0, "-Xmx256m");
    DcpProcess survivor = DcpProcess.start(config, dir.resolve("b.log"), 0, "-Xmx256m");
    replicas.addAll(List.of(killed, survivor));

    killed.await(() -> write.rows(TABLE).size() >= total / 4, Duration.ofSeconds(180));
    killed.kill();
    long killedAt = System.nanoTime();
    survivor.await(
        () -> new HashSet<>(messageIds(TABLE)).containsAll(ids), Duration.ofSeconds(180));
    double secondsToAll = (System.nanoTime() - killedAt) / 1e9;
    survivor.terminate(Duration.ofSeconds(60));

    List<String> rows = messageIds(TABLE);
    Set<String> distinct = new HashSet<>(rows);
    long lost = ids.stream().filter(id -> !distinct.contains(id)).count();
    Files.writeString(
        REPORT,
        "replicas: 2 on one emulator subscription, one kill -9 at %d rows: published %d, rows %d,"
                .formatted(total / 4, total, rows.size())
            + " duplicates %d, lost %d, all stored %.1f s after the kill%n"
                .formatted(rows.size() - distinct.size(), lost, secondsToAll),
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    assertThat(lost).isZero();
    assertThat(distinct).hasSize(total);
    assertThat(write.rows(DEAD_LETTERS)).isEmpty();
  }

  private List<String> publish(int total) {
    String[] symbols = {"AAPL", "MSFT", "NVDA", "AMZN"};
    List<String> ids = new ArrayList<>(total);
    PublisherGrpc.PublisherBlockingStub publisher = PublisherGrpc.newBlockingStub(channel);
    for (int start = 0; start < total; start += 1_000) {
      PublishRequest.Builder request = PublishRequest.newBuilder().setTopic(topic);
      for (int i = start; i < Math.min(total, start + 1_000); i++) {
        request.addMessages(
            PubsubMessage.newBuilder()
                .setData(
                    ByteString.copyFromUtf8(
                        "{\"id\":%d,\"symbol\":\"%s\",\"bid\":\"%d.%02d\"}"
                            .formatted(i, symbols[i % 4], 100 + i % 50, i % 100))));
      }
      ids.addAll(publisher.publish(request.build()).getMessageIdsList());
    }
    return ids;
  }

  private Path config() throws Exception {
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
            project: demo-project
            endpoint: %s
            restEndpoint: %s
        deadLetter:
          type: bigquery-table
          table: demo-project.market.dead_letters
        table:
          id: %s
          schema: %s
          create: true
        mapping:
          columns:
            message_id: metadata:message_id
        admin:
          enabled: false
        """
            .formatted(
                subscription,
                emulator.hostPort(),
                write.endpoint(),
                rest.url(),
                TABLE,
                SCHEMA.toAbsolutePath()));
    return file;
  }

  private List<String> messageIds(TableId table) {
    return write.rows(table).stream().map(PubSubReplicasIT::messageId).toList();
  }

  private static String messageId(Row row) {
    return String.valueOf(row.get("message_id"));
  }
}

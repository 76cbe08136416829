package io.dcp.adapters.pubsub;

import static io.dcp.adapters.pubsub.PubSubMessageSourceTest.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.adapters.duckdb.DuckDbWarehouse;
import io.dcp.core.mapping.ColumnSource;
import io.dcp.core.mapping.JsonMessageMapper;
import io.dcp.core.mapping.MappingConfig;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.IngestPipeline;
import io.dcp.core.pipeline.PipelineSettings;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.PipelineMetrics;
import io.dcp.core.port.RowSink;
import io.dcp.core.schema.Field;
import io.dcp.core.schema.FieldMode;
import io.dcp.core.schema.FieldType;
import io.dcp.core.schema.TableSchema;
import io.dcp.core.tables.TestTables;
import io.dcp.core.testing.InMemoryRowSink;
import io.dcp.testing.emulator.PubSubEmulator;
import io.dcp.testing.emulator.PubSubEmulatorExtension;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Messages published with the real Publisher to Google's Pub/Sub emulator, pulled by the real
 * Subscriber, through the pipeline. The emulator does not report acks: the source the pipeline
 * reads records each ack it is given, and what the subscription still holds afterwards is pulled.
 */
@ExtendWith(PubSubEmulatorExtension.class)
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PubSubPipelineTest {
  static final TableSchema SCHEMA =
      TableSchema.of(
          Field.of("symbol", FieldType.STRING, FieldMode.REQUIRED),
          Field.of("bid", FieldType.NUMERIC),
          Field.of("message_id", FieldType.STRING),
          Field.of("origin", FieldType.STRING));
  static final MappingConfig MAPPING =
      MappingConfig.typed()
          .withColumn("message_id", ColumnSource.parse("metadata:message_id"))
          .withColumn("origin", ColumnSource.parse("attribute:origin"));

  @TempDir Path dir;
  private final PubSubEmulator emulator;
  private final List<String> acked = new CopyOnWriteArrayList<>();
  private EmulatorResources pubsub;
  private ManagedChannel channel;
  private String topic;
  private String subscription;
  private String deadLetterTopic;
  private String deadLetterReader;

  PubSubPipelineTest(PubSubEmulator emulator) {
    this.emulator = emulator;
  }

  @BeforeEach
  void createTopics() {
    pubsub = new EmulatorResources(emulator.hostPort());
    topic = pubsub.topic("quotes");
    subscription = pubsub.subscription("quotes-dcp", topic);
    deadLetterTopic = pubsub.topic("quotes-dead-letters");
    deadLetterReader = pubsub.subscription("quotes-dead-letters-read", deadLetterTopic);
    channel = ManagedChannelBuilder.forTarget(emulator.hostPort()).usePlaintext().build();
  }

  @AfterEach
  void close() throws InterruptedException {
    channel.shutdownNow();
    pubsub.close();
  }

  @Test
  void publishedMessagesLandAsRowsInDuckDb() throws Exception {
    List<String> ids =
        publish(
            List.of(
                quote("{\"symbol\":\"AAPL\",\"bid\":\"189.42\"}", "feed-7"),
                quote("{\"symbol\":\"MSFT\",\"bid\":412.5}", "feed-8")));
    String db = dir.resolve("warehouse.duckdb").toString();
    DuckDbWarehouse warehouse = DuckDbWarehouse.open(db);
    TestTables.create(warehouse, TableId.local("quotes"), SCHEMA);
    TestTables.createDeadLetterTable(warehouse, TableId.local("dead_letters"));
    IngestPipeline pipeline =
        pipeline(
            warehouse.rowSink(),
            new TableDeadLetterSink(warehouse.rowSink(), TableId.local("dead_letters")));
    pipeline.start();

    waitFor(() -> acked.size() == 2);
    assertThat(pipeline.stop(Duration.ofSeconds(10))).isTrue();
    warehouse.close();

    assertThat(query(db, "SELECT symbol, bid, message_id, origin FROM quotes ORDER BY symbol"))
        .containsExactly(
            "AAPL|189.420000000|" + ids.get(0) + "|feed-7",
            "MSFT|412.500000000|" + ids.get(1) + "|feed-8");
    assertThat(acked).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(pubsub.pullAllIds(subscription)).isEmpty();
  }

  @Test
  void aBadMessageIsPublishedToTheDeadLetterTopicWithItsAttributesAndTheReason() throws Exception {
    List<String> ids =
        publish(
            List.of(
                quote("{\"symbol\":\"AAPL\",\"bid\":\"189.42\"}", "feed-7"),
                quote("{\"symbol\":\"MSFT\",\"bid\":\"12,5\"}", "feed-8")));
    InMemoryRowSink rows = new InMemoryRowSink();
    PubSubDeadLetterSink deadLetters =
        new PubSubDeadLetterSink(
            PubSubDeadLetterSettings.defaults(deadLetterTopic).withEndpoint(emulator.hostPort()),
            subscription,
            Map.of());
    IngestPipeline pipeline = pipeline(rows, deadLetters);
    pipeline.start();

    waitFor(() -> acked.size() == 2);
    assertThat(pipeline.stop(Duration.ofSeconds(10))).isTrue();

    assertThat(acked).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(rows.rows(TableId.local("quotes")))
        .extracting(r -> r.get("symbol"))
        .containsExactly("AAPL");
    List<PubsubMessage> dead = pubsub.pullAllMessages(deadLetterReader);
    assertThat(dead).hasSize(1);
    assertThat(dead.get(0).getData().toStringUtf8())
        .isEqualTo("{\"symbol\":\"MSFT\",\"bid\":\"12,5\"}");
    Map<String, String> attributes = new HashMap<>(dead.get(0).getAttributesMap());
    assertThat(attributes.remove("dcp_publish_time")).isNotEmpty();
    assertThat(attributes.remove("dcp_failed_at")).isNotEmpty();
    assertThat(attributes)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "origin", "feed-8",
                "dcp_stage", "map",
                "dcp_error", "map: $.bid: \"12,5\" is not a NUMERIC",
                "dcp_message_id", ids.get(1),
                "dcp_subscription", subscription));
  }

  @Test
  void stoppingMidStreamAndStartingAgainLosesNoMessage() throws Exception {
    int total = 5_000;
    List<String> ids =
        publish(
            IntStream.range(0, total)
                .mapToObj(i -> quote("{\"symbol\":\"S" + i + "\",\"bid\":" + i + "}", "feed"))
                .toList());
    InMemoryRowSink rows = new InMemoryRowSink();
    IngestPipeline first = pipeline(rows, new TableDeadLetterSink(rows, TableId.local("dl")));
    first.start();
    waitFor(() -> rows.rows(TableId.local("quotes")).size() >= total / 5);
    first.stop(Duration.ofSeconds(10));
    int afterFirst = rows.rows(TableId.local("quotes")).size();

    // Messages that were on the wire when the stream closed stay leased to the stopped client
    // until their ack deadline passes, as in Pub/Sub: the second run gets them after that.
    Instant restarted = Instant.now();
    IngestPipeline second = pipeline(rows, new TableDeadLetterSink(rows, TableId.local("dl")));
    second.start();
    await()
        .atMost(5, TimeUnit.MINUTES)
        .pollInterval(Duration.ofMillis(50))
        .until(() -> new HashSet<>(landedIds(rows)).containsAll(ids));
    Duration untilAllLanded = Duration.between(restarted, Instant.now());
    assertThat(second.stop(Duration.ofSeconds(10))).isTrue();

    List<String> landed = landedIds(rows);
    Set<String> distinct = new HashSet<>(landed);
    assertThat(afterFirst).isLessThan(total);
    assertThat(distinct).containsExactlyInAnyOrderElementsOf(ids);
    assertThat(rows.rows(TableId.local("dl"))).isEmpty();
    assertThat(pubsub.pullAllIds(subscription)).isEmpty();
    // At-least-once: only a message settled by neither run can come twice; report how many did.
    System.out.printf(
        "stop/restart: %d published, %d rows after the first run, %d rows, %d duplicates, all"
            + " landed %.1f s after the restart, 0 lost%n",
        total,
        afterFirst,
        landed.size(),
        landed.size() - distinct.size(),
        untilAllLanded.toMillis() / 1000.0);
  }

  private static List<String> landedIds(InMemoryRowSink rows) {
    List<String> landed = new ArrayList<>();
    for (Row row : rows.rows(TableId.local("quotes"))) {
      landed.add((String) row.get("message_id"));
    }
    return landed;
  }

  private IngestPipeline pipeline(RowSink rows, DeadLetterSink deadLetters) {
    PubSubMessageSource source =
        new PubSubMessageSource(
            PubSubSourceSettings.defaults(subscription).withEndpoint(emulator.hostPort()),
            Map.of());
    return new IngestPipeline(
        new AckRecordingSource(source, acked),
        JsonMessageMapper.create(SCHEMA, MAPPING, subscription, Clock.systemUTC()),
        TableId.local("quotes"),
        SCHEMA,
        rows,
        deadLetters,
        PipelineSettings.defaults().withBatch(100, 1_000_000, Duration.ofMillis(20)),
        PipelineMetrics.NOOP,
        Clock.systemUTC());
  }

  private List<String> publish(List<PubsubMessage> messages) throws Exception {
    Publisher publisher =
        Publisher.newBuilder(topic)
            .setChannelProvider(
                FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel)))
            .setCredentialsProvider(NoCredentialsProvider.create())
            .build();
    try {
      List<ApiFuture<String>> futures = new ArrayList<>();
      for (PubsubMessage m : messages) {
        futures.add(publisher.publish(m));
      }
      return ApiFutures.allAsList(futures).get(30, TimeUnit.SECONDS);
    } finally {
      publisher.shutdown();
      publisher.awaitTermination(10, TimeUnit.SECONDS);
    }
  }

  private static PubsubMessage quote(String json, String origin) {
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFromUtf8(json))
        .putAttributes("origin", origin)
        .build();
  }

  private static List<String> query(String db, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + db);
        ResultSet rs = c.createStatement().executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          values.add(rs.getString(i));
        }
        out.add(String.join("|", values));
      }
    }
    return out;
  }
}

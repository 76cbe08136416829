package io.dcp.runner.standalone.process;

import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import io.dcp.testing.pubsub.FakePubSubServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Pub/Sub and BigQuery on loopback: the Pub/Sub test server with a topic, a subscription and a
 * dead-letter topic, and the Storage Write and REST fakes sharing one dataset.
 */
public final class LoopbackCloud implements AutoCloseable {
  public static final String PROJECT = "demo-project";
  public static final String TOPIC = "projects/demo-project/topics/quotes";
  public static final String SUBSCRIPTION = "projects/demo-project/subscriptions/quotes-dcp";
  public static final String DEAD_LETTER_TOPIC = "projects/demo-project/topics/quotes-dead-letters";
  public static final TableId TABLE = TableId.parse("demo-project.market.quotes");
  public static final TableId DEAD_LETTERS = TableId.parse("demo-project.market.dead_letters");

  public final FakePubSubServer pubsub;
  public final FakeBigQueryWriteServer write;
  public final FakeBigQueryRestServer rest;

  private LoopbackCloud() throws IOException {
    pubsub = FakePubSubServer.start();
    pubsub.createTopicAndSubscription(TOPIC, SUBSCRIPTION);
    pubsub.createTopic(DEAD_LETTER_TOPIC);
    write = FakeBigQueryWriteServer.start();
    rest = FakeBigQueryRestServer.start(write);
    rest.createDataset(PROJECT, "market");
  }

  public static LoopbackCloud start() throws IOException {
    return new LoopbackCloud();
  }

  /**
   * Writes a dcp config reading the subscription and writing {@link #TABLE} (created at start),
   * with {@code sections} appended: a {@code deadLetter:} section, {@code pipeline:}, {@code
   * admin:}.
   */
  public Path config(Path dir, Path schema, String sections) throws IOException {
    return configWithTable(
        dir,
        """
        table:
          id: %s
          schema: %s
          create: true
        """
            .formatted(TABLE, schema.toAbsolutePath()),
        sections);
  }

  /**
   * Writes a dcp config reading the subscription and writing BigQuery, with {@code table} (a {@code
   * table:} section) and {@code sections} appended.
   */
  public Path configWithTable(Path dir, String table, String sections) throws IOException {
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
        mapping:
          columns:
            message_id: metadata:message_id
        """
                .formatted(SUBSCRIPTION, pubsub.endpoint(), PROJECT, write.endpoint(), rest.url())
            + table
            + sections);
    return file;
  }

  /** The {@code message_id} of every row of {@code table}, duplicates included. */
  public List<String> messageIds(TableId table) {
    return write.rows(table).stream().map(LoopbackCloud::messageId).toList();
  }

  /** The distinct message ids that landed as a row or a dead letter. */
  public Set<String> settledIds() {
    Set<String> ids = new HashSet<>(messageIds(TABLE));
    ids.addAll(messageIds(DEAD_LETTERS));
    return ids;
  }

  private static String messageId(Row row) {
    return String.valueOf(row.get("message_id"));
  }

  @Override
  public void close() {
    rest.close();
    write.close();
    pubsub.close();
  }
}

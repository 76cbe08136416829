package io.dcp.runner.standalone.process;

import io.dcp.core.model.TableId;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import io.dcp.testing.pubsub.FakePubSubServer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Pub/Sub and BigQuery on loopback: the Pub/Sub test server with a topic, a subscription and a
 * dead-letter topic, and the Storage Write and REST fakes sharing one dataset ({@link
 * LoopbackBigQuery}).
 */
public final class LoopbackCloud implements AutoCloseable {
  public static final String PROJECT = LoopbackBigQuery.PROJECT;
  public static final String TOPIC = "projects/demo-project/topics/quotes";
  public static final String SUBSCRIPTION = "projects/demo-project/subscriptions/quotes-dcp";
  public static final String DEAD_LETTER_TOPIC = "projects/demo-project/topics/quotes-dead-letters";
  public static final TableId TABLE = LoopbackBigQuery.TABLE;
  public static final TableId DEAD_LETTERS = LoopbackBigQuery.DEAD_LETTERS;

  public final FakePubSubServer pubsub;
  public final FakeBigQueryWriteServer write;
  public final FakeBigQueryRestServer rest;
  private final LoopbackBigQuery bigQuery;

  private LoopbackCloud() throws IOException {
    pubsub = FakePubSubServer.start();
    pubsub.createTopicAndSubscription(TOPIC, SUBSCRIPTION);
    pubsub.createTopic(DEAD_LETTER_TOPIC);
    bigQuery = LoopbackBigQuery.start();
    write = bigQuery.write;
    rest = bigQuery.rest;
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
    return configWithTable(dir, LoopbackBigQuery.quotesTable(schema), sections);
  }

  /**
   * Writes a dcp config reading the subscription and writing BigQuery, with {@code table} (a {@code
   * table:} section) and {@code sections} appended.
   */
  public Path configWithTable(Path dir, String table, String sections) throws IOException {
    return bigQuery.config(dir, SUBSCRIPTION, pubsub.endpoint(), table, sections);
  }

  /** The {@code message_id} of every row of {@code table}, duplicates included. */
  public List<String> messageIds(TableId table) {
    return bigQuery.messageIds(table);
  }

  /** The distinct message ids that landed as a row or a dead letter. */
  public Set<String> settledIds() {
    return bigQuery.settledIds();
  }

  @Override
  public void close() {
    bigQuery.close();
    pubsub.close();
  }
}

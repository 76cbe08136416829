package io.dcp.runner.standalone.process;

import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.testing.bigquery.BigQueryFakes;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The Storage Write and REST fakes sharing dataset {@code market} of {@link #PROJECT}, the BigQuery
 * half of {@link LoopbackCloud} and {@link EmulatorCloud}: writes their dcp configs and reads back
 * which messages landed.
 */
public final class LoopbackBigQuery implements AutoCloseable {
  public static final String PROJECT = "demo-project";
  public static final TableId TABLE = TableId.parse("demo-project.market.quotes");
  public static final TableId DEAD_LETTERS = TableId.parse("demo-project.market.dead_letters");

  /** Dead letters to {@link #DEAD_LETTERS}, a {@code deadLetter:} section. */
  public static final String DEAD_LETTER_TABLE =
      """
      deadLetter:
        type: bigquery-table
        table: demo-project.market.dead_letters
      """;

  /** No admin HTTP server, an {@code admin:} section. */
  public static final String ADMIN_OFF =
      """
      admin:
        enabled: false
      """;

  private final BigQueryFakes fakes;
  public final FakeBigQueryWriteServer write;
  public final FakeBigQueryRestServer rest;

  private LoopbackBigQuery() throws IOException {
    fakes = BigQueryFakes.start(PROJECT, "market");
    write = fakes.write;
    rest = fakes.rest;
  }

  public static LoopbackBigQuery start() throws IOException {
    return new LoopbackBigQuery();
  }

  /** The admin HTTP server on {@code port}, an {@code admin:} section. */
  public static String adminOn(int port) {
    return "admin:\n  port: %d\n".formatted(port);
  }

  /**
   * Writes {@code dir/dcp.yaml}: {@code subscription} read at {@code pubSubEndpoint}, rows to these
   * fakes with {@code message_id} from the metadata, then {@code table} (a {@code table:} section)
   * and {@code sections}.
   */
  public Path config(
      Path dir, String subscription, String pubSubEndpoint, String table, String sections)
      throws IOException {
    return Files.writeString(
        dir.resolve("dcp.yaml"),
        fakes.pubSubRunSections(subscription, pubSubEndpoint)
            + """
            mapping:
              columns:
                message_id: metadata:message_id
            """
            + table
            + sections);
  }

  /** A {@code table:} section for {@link #TABLE}, created at start with {@code schema}. */
  public static String quotesTable(Path schema) {
    return """
        table:
          id: %s
          schema: %s
          create: true
        """
        .formatted(TABLE, schema.toAbsolutePath());
  }

  /** The {@code message_id} of every row of {@code table}, duplicates included. */
  public List<String> messageIds(TableId table) {
    return write.rows(table).stream().map(LoopbackBigQuery::messageId).toList();
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
    fakes.close();
  }
}

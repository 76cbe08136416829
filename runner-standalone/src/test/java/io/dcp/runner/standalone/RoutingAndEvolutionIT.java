package io.dcp.runner.standalone;

import static io.dcp.runner.standalone.process.LoopbackCloud.SUBSCRIPTION;
import static io.dcp.runner.standalone.process.LoopbackCloud.TOPIC;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.PubsubMessage;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.runner.standalone.process.LoopbackCloud;
import io.dcp.testing.process.DcpProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged {@code dcp} routing one Pub/Sub stream to two BigQuery tables, each with its own
 * schema, while a new payload field becomes a column of one of them: through the real BigQuery
 * table admin and Storage Write clients, against the BigQuery test servers, which (as BigQuery) let
 * the write path see a new column only a while after the table change.
 */
class RoutingAndEvolutionIT {
  static final TableId QUOTES = TableId.parse("demo-project.market.quotes");
  static final TableId TRADES = TableId.parse("demo-project.market.trades");

  @TempDir Path dir;
  LoopbackCloud cloud;
  DcpProcess dcp;

  @BeforeEach
  void startServers() throws Exception {
    cloud = LoopbackCloud.start();
  }

  @AfterEach
  void stopAll() throws Exception {
    if (dcp != null && dcp.isAlive()) {
      dcp.kill();
    }
    cloud.close();
  }

  @Test
  void oneStreamFeedsTwoTablesAndANewFieldBecomesAColumn() throws Exception {
    Path quotes = dir.resolve("quotes.schema.json");
    Files.writeString(
        quotes,
        """
        [{"name": "message_id", "type": "STRING"},
         {"name": "symbol", "type": "STRING", "mode": "REQUIRED"},
         {"name": "bid", "type": "FLOAT64"}]
        """);
    Path trades = dir.resolve("trades.schema.json");
    Files.writeString(
        trades,
        """
        [{"name": "message_id", "type": "STRING"},
         {"name": "symbol", "type": "STRING", "mode": "REQUIRED"},
         {"name": "qty", "type": "INT64"}]
        """);
    Path config =
        cloud.configWithTable(
            dir,
            """
            table:
              id: demo-project.market.unrouted
              schema: %s
              create: true
              route: market.${attr:kind}s
              schemas:
                market.trades: %s
            """
                .formatted(quotes, trades),
            """
            deadLetter:
              type: bigquery-table
              table: demo-project.market.dead_letters
            schema:
              evolution: add-columns
            admin:
              enabled: false
            """);
    List<PubsubMessage> messages = new ArrayList<>();
    messages.add(message("quote", "{\"symbol\":\"AAPL\",\"bid\":1.5}"));
    messages.add(message("trade", "{\"symbol\":\"AAPL\",\"qty\":100}"));
    messages.add(message("quote", "{\"symbol\":\"MSFT\",\"bid\":2.5,\"venue\":\"XNAS\"}"));
    messages.add(message("trade", "{\"symbol\":\"MSFT\",\"qty\":\"many\"}"));
    messages.add(message("quote", "{\"symbol\":\"IBM\",\"venue\":\"XNYS\"}"));
    List<String> ids = cloud.pubsub.publish(TOPIC, messages);
    // As in BigQuery, a new column reaches the Storage Write API a while after the table change.
    cloud.write.delaySchemaChanges(Duration.ofSeconds(2));

    dcp = DcpProcess.start(config, dir.resolve("dcp.log"), 0);
    dcp.await(() -> cloud.pubsub.ackedCount(SUBSCRIPTION) == ids.size(), Duration.ofSeconds(60));
    int status = dcp.terminate(Duration.ofSeconds(60));
    String out = dcp.log();
    assertThat(status).as(out).isIn(0, 143);

    JsonNode quotesTable = cloud.rest.table(QUOTES).orElseThrow();
    assertThat(quotesTable.at("/schema/fields").findValuesAsText("name"))
        .containsExactly("message_id", "symbol", "bid", "venue");
    assertThat(quotesTable.at("/schema/fields/3/mode").asText()).isEqualTo("NULLABLE");
    assertThat(cloud.write.rows(QUOTES))
        .containsExactlyInAnyOrder(
            row(ids.get(0), Map.of("symbol", "AAPL", "bid", 1.5)),
            row(ids.get(2), Map.of("symbol", "MSFT", "bid", 2.5, "venue", "XNAS")),
            row(ids.get(4), Map.of("symbol", "IBM", "venue", "XNYS")));
    assertThat(cloud.rest.table(TRADES).orElseThrow().at("/schema/fields").findValuesAsText("name"))
        .containsExactly("message_id", "symbol", "qty");
    assertThat(cloud.write.rows(TRADES))
        .containsExactly(row(ids.get(1), Map.of("symbol", "AAPL", "qty", 100L)));
    assertThat(cloud.write.rows(LoopbackCloud.DEAD_LETTERS))
        .extracting(r -> r.get("message_id") + " " + r.get("errorMessage"))
        .containsExactly(ids.get(3) + " map: $.qty: \"many\" is not an INT64");
    assertThat(cloud.rest.table(TableId.parse("demo-project.market.unrouted"))).isPresent();
    assertThat(out).contains("schema.evolution: added NULLABLE columns venue to table");
  }

  private static PubsubMessage message(String kind, String json) {
    return PubsubMessage.newBuilder()
        .setData(ByteString.copyFromUtf8(json))
        .putAttributes("kind", kind)
        .build();
  }

  private static Row row(String messageId, Map<String, Object> values) {
    Row.Builder row = Row.builder().set("message_id", messageId);
    values.forEach(row::set);
    return row.build();
  }
}

package io.dcp.adapters.bigquery;

import io.dcp.core.model.DeadLetter;
import io.dcp.core.model.DeadLetterTable;
import io.dcp.core.model.Row;
import io.dcp.core.model.TableId;
import io.dcp.core.pipeline.TableDeadLetterSink;
import io.dcp.core.port.DeadLetterQuery;
import io.dcp.core.port.DeadLetterSink;
import io.dcp.core.port.DeadLetterSinkContract;
import io.dcp.core.port.DeadLetterStore;
import io.dcp.core.port.RowSink;
import io.dcp.core.port.RowSinkContract;
import io.dcp.core.port.TableAdmin;
import io.dcp.core.port.TableAdminContract;
import io.dcp.core.port.TableOptions;
import io.dcp.testing.bigquery.FakeBigQueryRestServer;
import io.dcp.testing.bigquery.FakeBigQueryWriteServer;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;

/**
 * The Storage Write sink, the dead-letter table over it and the table admin against the ports'
 * contracts, on the project's wire-level BigQuery test servers.
 */
class BigQueryContractsTest {
  private static final String PROJECT = "test-project";

  private FakeBigQueryWriteServer write;
  private FakeBigQueryRestServer rest;

  @BeforeEach
  void startServers() throws Exception {
    write = FakeBigQueryWriteServer.start();
    rest = FakeBigQueryRestServer.start(write);
    rest.createDataset(PROJECT, "events");
  }

  @AfterEach
  void stopServers() {
    rest.close();
    write.close();
  }

  private StorageWriteRowSink newStorageWriteSink() {
    return new StorageWriteRowSink(
        StorageWriteSettings.defaults(PROJECT).withEndpoint(write.endpoint()));
  }

  @Nested
  class StorageWriteRowSinkContract extends RowSinkContract {
    private final TableId table = new TableId(PROJECT, "events", "contract_rows");

    @Override
    protected TableId table() {
      return table;
    }

    @Override
    protected RowSink newSink() {
      write.createTable(table, SCHEMA);
      return newStorageWriteSink();
    }

    @Override
    protected List<Row> committedRows() {
      return write.rows(table);
    }
  }

  @Nested
  class DeadLetterTableOnBigQuery extends DeadLetterSinkContract {
    private final TableId table = new TableId(PROJECT, "events", "dead_letters");
    private StorageWriteRowSink rows;

    @Override
    protected DeadLetterSink newSink() throws Exception {
      try (TableAdmin admin = BigQueryTableAdmin.connect(PROJECT, rest.url())) {
        admin.create(table, DeadLetterTable.SCHEMA, TableOptions.none());
      }
      rows = newStorageWriteSink();
      return new TableDeadLetterSink(rows, table);
    }

    @Override
    protected List<DeadLetter> committedDeadLetters() throws Exception {
      try (DeadLetterStore store =
          BigQueryDeadLetterStore.connect(PROJECT, rest.url(), table, rows, Clock.systemUTC())) {
        return store.find(DeadLetterQuery.all()).stream()
            .map(DeadLetterStore.Stored::deadLetter)
            .toList();
      }
    }
  }

  @Nested
  class BigQueryTableAdminContract extends TableAdminContract {
    @Override
    protected TableAdmin newAdmin() {
      return BigQueryTableAdmin.connect(PROJECT, rest.url());
    }

    @Override
    protected TableId table(String name) {
      return new TableId(PROJECT, "events", name);
    }
  }
}

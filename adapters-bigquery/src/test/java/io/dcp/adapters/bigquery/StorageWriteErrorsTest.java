package io.dcp.adapters.bigquery;

import static org.assertj.core.api.Assertions.assertThat;

import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.grpc.Status;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorageWriteErrorsTest {
  private static final TableId TABLE = new TableId("my-project", "sales", "orders");

  @ParameterizedTest
  @CsvSource({
    "UNAVAILABLE, true, UNAVAILABLE",
    "RESOURCE_EXHAUSTED, true, RESOURCE_EXHAUSTED",
    "DEADLINE_EXCEEDED, true, DEADLINE_EXCEEDED",
    "ABORTED, true, ABORTED",
    "INTERNAL, true, INTERNAL",
    "NOT_FOUND, false, table.create: true",
    "PERMISSION_DENIED, false, roles/bigquery.dataEditor on dataset my-project:sales",
    "UNAUTHENTICATED, false, gcloud auth application-default login",
    "INVALID_ARGUMENT, false, bq show --schema my-project:sales.orders",
    "FAILED_PRECONDITION, false, FAILED_PRECONDITION",
  })
  void classifiesEachGrpcCodeAndNamesTheFix(
      Status.Code code, boolean transientFailure, String text) {
    SinkException e =
        StorageWriteErrors.classify(
            TABLE, code.toStatus().withDescription("boom").asRuntimeException());

    assertThat(e.isTransient()).isEqualTo(transientFailure);
    assertThat(e.getMessage()).contains("my-project.sales.orders").contains(text).contains("boom");
  }
}

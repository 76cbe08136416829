package io.dcp.adapters.bigquery;

import com.google.api.gax.rpc.ApiException;
import io.dcp.core.model.TableId;
import io.dcp.core.port.SinkException;
import io.grpc.Status;
import java.util.Set;

/** Classifies Storage Write failures into transient or permanent sink failures with a fix. */
final class StorageWriteErrors {
  private static final Set<Status.Code> TRANSIENT =
      Set.of(
          Status.Code.UNAVAILABLE,
          Status.Code.RESOURCE_EXHAUSTED,
          Status.Code.DEADLINE_EXCEEDED,
          Status.Code.ABORTED,
          Status.Code.INTERNAL,
          Status.Code.CANCELLED,
          Status.Code.UNKNOWN);

  /** What BigQuery answers to rows with a column it added moments ago. */
  static final String EXTRA_FIELDS = "Input schema has more fields than BigQuery schema";

  private StorageWriteErrors() {}

  static Status.Code code(Throwable failure) {
    Status status = Status.fromThrowable(failure);
    if (status.getCode() == Status.Code.UNKNOWN) {
      for (Throwable t = failure; t != null; t = t.getCause()) {
        if (t instanceof ApiException api
            && api.getStatusCode().getCode() != com.google.api.gax.rpc.StatusCode.Code.UNKNOWN) {
          return Status.Code.valueOf(api.getStatusCode().getCode().name());
        }
      }
    }
    return status.getCode();
  }

  static SinkException classify(TableId table, Throwable failure) {
    Status.Code code = code(failure);
    String detail = describe(failure);
    String project = table.project();
    String dataset = table.dataset();
    if (code == Status.Code.INVALID_ARGUMENT && detail.contains(EXTRA_FIELDS)) {
      return SinkException.transientFailure(
          "table "
              + table
              + " has columns the Storage Write API does not see yet ("
              + detail
              + "); a column added moments ago takes a while to reach it, so the append is"
              + " retried",
          failure);
    }
    return switch (code) {
      case NOT_FOUND ->
          SinkException.permanentFailure(
              "table "
                  + table
                  + " does not exist: create it (bq mk --table "
                  + project
                  + ":"
                  + dataset
                  + "."
                  + table.table()
                  + " schema.json) or set table.create: true ("
                  + detail
                  + ")",
              failure);
      case PERMISSION_DENIED ->
          SinkException.permanentFailure(
              "permission denied writing to table "
                  + table
                  + ": grant roles/bigquery.dataEditor on dataset "
                  + project
                  + ":"
                  + dataset
                  + " to the pipeline's service account ("
                  + detail
                  + ")",
              failure);
      case UNAUTHENTICATED ->
          SinkException.permanentFailure(
              "no valid credentials to write table "
                  + table
                  + ": run 'gcloud auth application-default login' or set"
                  + " GOOGLE_APPLICATION_CREDENTIALS to a service account key ("
                  + detail
                  + ")",
              failure);
      case INVALID_ARGUMENT ->
          SinkException.permanentFailure(
              "BigQuery rejected the append to table "
                  + table
                  + " as a whole: "
                  + detail
                  + "; check that the mapping schema matches the table (bq show --schema "
                  + project
                  + ":"
                  + dataset
                  + "."
                  + table.table()
                  + ")",
              failure);
      default ->
          TRANSIENT.contains(code)
              ? SinkException.transientFailure(
                  "append to table " + table + " failed with " + code + ": " + detail, failure)
              : SinkException.permanentFailure(
                  "append to table " + table + " failed with " + code + ": " + detail, failure);
    };
  }

  private static String describe(Throwable failure) {
    String description = Status.fromThrowable(failure).getDescription();
    if (description != null) {
      return description;
    }
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }
}

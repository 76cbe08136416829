package io.dcp.beam;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/**
 * The Beam job's options: where messages come from, where rows and dead letters go, the schema and
 * the mapping. {@link BeamOptionsCheck} rejects a wrong combination before anything is submitted.
 */
public interface DcpBeamOptions extends PipelineOptions {

  /** How rows are written with the Storage Write API. */
  enum WriteMode {
    /** Exactly once: BigQueryIO's {@code STORAGE_WRITE_API}, committed per triggering frequency. */
    EXACTLY_ONCE,
    /** At least once, lowest latency: {@code STORAGE_API_AT_LEAST_ONCE} on the default stream. */
    AT_LEAST_ONCE
  }

  @Description("Pub/Sub subscription to read: projects/PROJECT/subscriptions/NAME.")
  String getInputSubscription();

  void setInputSubscription(String value);

  @Description(
      "Pub/Sub topic to read instead, through a subscription the runner creates:"
          + " projects/PROJECT/topics/NAME.")
  String getInputTopic();

  void setInputTopic(String value);

  @Description(
      "Local mode: NDJSON files to read instead of Pub/Sub, a path or glob (one message per"
          + " line).")
  String getInputFiles();

  void setInputFiles(String value);

  @Description("BigQuery table to write: PROJECT:DATASET.TABLE or PROJECT.DATASET.TABLE.")
  String getOutputTable();

  void setOutputTable(String value);

  @Description(
      "Local mode: directory for NDJSON output (rows-*.ndjson, dead_letters-*.ndjson) instead of"
          + " BigQuery.")
  String getOutputDirectory();

  void setOutputDirectory(String value);

  @Description(
      "BigQuery dead-letter table (dcp's dead-letter layout): PROJECT:DATASET.TABLE or"
          + " PROJECT.DATASET.TABLE.")
  String getDeadLetterTable();

  void setDeadLetterTable(String value);

  @Description(
      "Pub/Sub topic for dead letters instead of a table: projects/PROJECT/topics/NAME. Each is"
          + " its message's bytes and attributes plus dcp's dcp_* attributes, as dcp run publishes"
          + " them, so dcp replay --subscription replays them.")
  String getDeadLetterTopic();

  void setDeadLetterTopic(String value);

  @Description("BigQuery JSON schema file of the output table, a local path or gs://BUCKET/PATH.")
  String getSchemaFile();

  void setSchemaFile(String value);

  @Description("Read the schema from the output table instead of a file.")
  @Default.Boolean(false)
  Boolean getSchemaFromTable();

  void setSchemaFromTable(Boolean value);

  @Description(
      "dcp config file (local path or gs://), as dcp run reads it: its table.id, table.schema,"
          + " deadLetter, mapping and transform sections set the job; an option given as well wins"
          + " over its key; a key only dcp run reads is refused by name.")
  String getConfigFile();

  void setConfigFile(String value);

  @Description(
      "dcp config file (local path or gs://) whose mapping section is used, as by the"
          + " standalone runner; defaults when absent.")
  String getMappingConfigFile();

  void setMappingConfigFile(String value);

  @Description("EXACTLY_ONCE (default) or AT_LEAST_ONCE.")
  @Default.Enum("EXACTLY_ONCE")
  WriteMode getWriteMode();

  void setWriteMode(WriteMode value);

  @Description(
      "Exactly-once on a stream: seconds between Storage Write API commits (required there).")
  Integer getTriggeringFrequencySeconds();

  void setTriggeringFrequencySeconds(Integer value);

  @Description(
      "Exactly-once on a stream: Storage Write API streams per table (required there; 0 lets"
          + " Dataflow choose with auto-sharding).")
  Integer getWriteStreams();

  void setWriteStreams(Integer value);

  @Description(
      "Attribute holding a unique id set by the publisher: a message whose id was seen in the"
          + " last 10 minutes is dropped and counted in duplicates_dropped; message_id stays"
          + " Pub/Sub's.")
  String getIdAttribute();

  void setIdAttribute(String value);

  @Description(
      "The Dataflow template's JavaScript UDF, run on each message before mapping: a local path or"
          + " gs://BUCKET/PATH.js holding a function that takes the message JSON as a string and"
          + " returns a JSON string, or null to drop the message.")
  String getJavascriptTextTransformGcsPath();

  void setJavascriptTextTransformGcsPath(String value);

  @Description("The UDF's function name (process when not set).")
  String getJavascriptTextTransformFunctionName();

  void setJavascriptTextTransformFunctionName(String value);

  @Description(
      "The template's UDF reload interval: only 0 (no reload, the template's default) is"
          + " accepted; the job reads the UDF once at launch.")
  Integer getJavascriptTextTransformReloadIntervalMinutes();

  void setJavascriptTextTransformReloadIntervalMinutes(Integer value);
}

package io.dcp.core.config;

import io.dcp.core.model.TableId;
import java.time.Duration;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * The typed reads a {@link ConfigSection} makes of the merged config: keys relative to the
 * section's prefix ({@code subscription} in {@code source.pubsub}), each bad value recorded as a
 * problem under its full key path and answered with a placeholder, so that one run reports every
 * problem of every section.
 */
public final class SectionReader {
  private final ConfigReader reader;
  private final String prefix;
  private final DcpConfig core;

  /** Reads the section at {@code prefix}; {@code core} holds core's sections as they were read. */
  SectionReader(ConfigReader reader, String prefix, DcpConfig core) {
    this.reader = reader;
    this.prefix = prefix;
    this.core = core;
  }

  /** The full key path of {@code key}, e.g. {@code source.pubsub.subscription}. */
  public String key(String key) {
    return prefix + "." + key;
  }

  /** The {@code source.type} the config names, as core read it. */
  public SourceType sourceType() {
    return core.source().kind();
  }

  /** The {@code sink.type} the config names, as core read it. */
  public SinkType sinkType() {
    return core.sink().kind();
  }

  /** The {@code deadLetter.type} the config names, as core read it. */
  public DeadLetterType deadLetterType() {
    return core.deadLetter().kind();
  }

  /** The {@code admin} section, as core read it: a source serving HTTP needs a port of its own. */
  public DcpConfig.Admin admin() {
    return core.admin();
  }

  /**
   * Checks that the dead-letter table, when {@code deadLetter.type} is {@code table}, is none of
   * the destination tables ({@code table.id}, a {@code table.schemas} key), reporting it under
   * {@code deadLetter.table}: dead letters written there would fail forever as rows of the wrong
   * shape. The sink's section calls this, as only its warehouse knows when two names are one table.
   *
   * @param sameTable whether two table ids name the same table of the sink's warehouse
   */
  public void deadLetterTableOfItsOwn(BiPredicate<TableId, TableId> sameTable) {
    if (core.deadLetter().kind() instanceof DeadLetterType.Table) {
      DeadLetterSection.tableOfItsOwn(reader, core.deadLetter().table(), core.table(), sameTable);
    }
  }

  /** The value of an environment variable the loader was given, or empty. */
  public String environment(String variable) {
    return reader.environment(variable);
  }

  /** Text, empty when unset. */
  public String string(String key) {
    return reader.string(key(key));
  }

  /** A list, from a YAML sequence or a comma-separated value. */
  public List<String> strings(String key) {
    return reader.strings(key(key));
  }

  /** {@code true} or {@code false}. */
  public boolean bool(String key) {
    return reader.bool(key(key));
  }

  /** A whole number greater than 0. */
  public long positiveLong(String key) {
    return reader.positiveLong(key(key));
  }

  /** A whole number from 1 to {@link Integer#MAX_VALUE}. */
  public int positiveInt(String key) {
    return reader.positiveInt(key(key));
  }

  /** A TCP port, 1 to 65535. */
  public int port(String key) {
    return reader.port(key(key));
  }

  /** A duration such as {@code 200ms}, {@code 30s}, {@code 5m}, {@code 1h} or ISO-8601. */
  public Duration duration(String key) {
    return reader.duration(key(key));
  }

  /** One of {@code allowed}, lower-cased; the first of them when it is none. */
  public String choice(String key, String... allowed) {
    return reader.choice(key(key), allowed);
  }

  /** Records what is wrong with {@code key} and how to fix it. */
  public void problem(String key, String message) {
    reader.problem(key(key), message);
  }

  /** Whether a problem has been recorded under this section's keys, by any reader. */
  public boolean hasProblems() {
    return reader.hasProblemUnder(prefix + ".");
  }
}

package io.dcp.adapters.duckdb;

import io.dcp.core.config.ChosenSection;
import io.dcp.core.config.SectionReader;
import io.dcp.core.config.SinkType;
import java.util.function.Supplier;

/**
 * The {@code sink.duckdb} section, which this module owns: the settings of {@link DuckDbWarehouse},
 * present when {@code sink.type} is {@code duckdb} and every key is right. It also checks that the
 * dead-letter table is none of the destinations, DuckDB names compared case-insensitively, as
 * DuckDB compares them.
 */
public final class DuckDbSinkSection extends ChosenSection<DuckDbSinkSettings> {
  /** The one instance, handed to the config loader. */
  public static final DuckDbSinkSection INSTANCE = new DuckDbSinkSection();

  private DuckDbSinkSection() {
    super("sink.duckdb", r -> r.sinkType() instanceof SinkType.DuckDb);
  }

  @Override
  protected Supplier<DuckDbSinkSettings> readKeys(SectionReader r) {
    String path = r.string("path");
    return () -> new DuckDbSinkSettings(path);
  }

  @Override
  protected void check(SectionReader r) {
    r.deadLetterTableOfItsOwn((a, b) -> a.toString().equalsIgnoreCase(b.toString()));
  }
}

package io.dcp.adapters.ndjson;

import io.dcp.core.config.ChosenSection;
import io.dcp.core.config.SectionReader;
import io.dcp.core.config.SourceType;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code source.ndjson} section, which this module owns: the settings of {@link
 * NdjsonMessageSource}, present when {@code source.type} is {@code ndjson} and every key is right.
 * The paths are required then.
 */
public final class NdjsonSourceSection extends ChosenSection<NdjsonSourceSettings> {
  /** The one instance, handed to the config loader. */
  public static final NdjsonSourceSection INSTANCE = new NdjsonSourceSection();

  private NdjsonSourceSection() {
    super("source.ndjson", r -> r.sourceType() instanceof SourceType.Ndjson);
  }

  @Override
  protected Supplier<NdjsonSourceSettings> readKeys(SectionReader r) {
    List<String> paths = r.strings("paths");
    int maxAttempts = r.positiveInt("maxAttempts");
    return () -> new NdjsonSourceSettings(paths, maxAttempts);
  }

  @Override
  protected void check(SectionReader r) {
    if (r.strings("paths").isEmpty()) {
      r.problem("paths", "required: list the NDJSON files to read, or \"-\" for standard input");
    }
  }
}

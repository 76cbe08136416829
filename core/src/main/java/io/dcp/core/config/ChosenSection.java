package io.dcp.core.config;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A {@link ConfigSection} whose settings exist only when the config chooses them, as {@code
 * source.type: pubsub} chooses {@code source.pubsub}: its value is present when the section is
 * chosen and every key is right, and empty otherwise. Every key is read either way, so that a bad
 * value is reported even in a section the config does not choose; the checks that matter only when
 * it is chosen (a required key, a rule across keys) run only then.
 *
 * @param <T> the owning adapter's settings record
 */
public abstract class ChosenSection<T> implements ConfigSection<Optional<T>> {
  private final String prefix;
  private final Predicate<SectionReader> chosen;

  /**
   * A section at key path {@code prefix} (a section of {@code defaults.yaml}), chosen when {@code
   * chosen} holds: e.g. {@code r -> r.sourceType() instanceof SourceType.PubSub}.
   */
  protected ChosenSection(String prefix, Predicate<SectionReader> chosen) {
    this.prefix = requireNonNull(prefix, "prefix");
    this.chosen = requireNonNull(chosen, "chosen");
  }

  @Override
  public final String prefix() {
    return prefix;
  }

  /**
   * Reads every key of the section, reporting bad values, and returns what builds the settings once
   * the section is chosen and found right.
   */
  protected abstract Supplier<T> readKeys(SectionReader r);

  /** Checks what matters only when the section is chosen; none unless overridden. */
  protected void check(SectionReader r) {}

  @Override
  public final Optional<T> read(SectionReader r) {
    Supplier<T> settings = readKeys(r);
    if (!chosen.test(r)) {
      return Optional.empty();
    }
    check(r);
    if (r.hasProblems()) {
      return Optional.empty();
    }
    return Optional.of(settings.get());
  }

  @Override
  public String toString() {
    return prefix;
  }
}

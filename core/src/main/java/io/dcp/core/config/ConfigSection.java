package io.dcp.core.config;

/**
 * A section of the config that a module outside core owns, the way a Trino connector binds its own
 * config class: the module names the section's key prefix and reads its keys into its own settings.
 * Hand the sections a command uses to {@link ConfigLoader#ConfigLoader(java.util.Map,
 * java.util.List)}; their problems join the one list the loader reports, and the loaded {@link
 * DcpConfig#section} gives each value back.
 *
 * <p>The keys themselves and their defaults stay in {@code defaults.yaml}, so that unknown keys and
 * their did-you-mean are found whether or not a command reads the section. Implementations are
 * immutable singletons; the loader tells them apart by identity.
 *
 * @param <T> what the section reads into, usually the owning adapter's settings record
 */
public interface ConfigSection<T> {
  /** The section's key path, e.g. {@code source.pubsub}: a section of {@code defaults.yaml}. */
  String prefix();

  /**
   * Reads the section's keys. Called once per load, after core's own sections, and also when a
   * problem has been found: report what is wrong through {@link SectionReader#problem} and return a
   * value that builds no half-checked settings (an empty {@code Optional}, say). Never throws for a
   * bad value.
   */
  T read(SectionReader reader);
}

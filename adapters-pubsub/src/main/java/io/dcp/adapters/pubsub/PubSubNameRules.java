package io.dcp.adapters.pubsub;

import io.dcp.core.config.SectionReader;
import java.util.regex.Pattern;

/**
 * Pub/Sub's naming rules for a name a config section holds, reported as config problems with the
 * fix: the full {@code projects/P/<kind>/NAME} form, a Google Cloud project id unless an emulator
 * is configured, and the resource name's characters.
 */
final class PubSubNameRules {
  private static final Pattern PROJECT =
      Pattern.compile("[a-z][a-z0-9-]{4,28}[a-z0-9]|[a-z0-9.-]+:[a-z][a-z0-9-]{4,28}[a-z0-9]");
  private static final Pattern RESOURCE =
      Pattern.compile("(?!goog)[A-Za-z][A-Za-z0-9\\-_.~+%]{2,254}");

  private PubSubNameRules() {}

  /**
   * Checks the full name under {@code key}; with an endpoint (the section's {@code endpointKey}, or
   * {@code PUBSUB_EMULATOR_HOST}) any project id the emulator takes ({@code local}) passes.
   */
  static void check(SectionReader r, String key, String kind, String endpointKey) {
    String name = r.string(key);
    String example = "projects/PROJECT/" + kind + "/NAME";
    if (name.isEmpty()) {
      r.problem(key, "required: the full name, " + example);
      return;
    }
    String[] parts = name.split("/", -1);
    if (parts.length != 4 || !parts[0].equals("projects") || !parts[2].equals(kind)) {
      r.problem(key, "'" + name + "' is not a full name: write " + example);
    } else if (!PROJECT.matcher(parts[1]).matches() && !emulated(r, endpointKey)) {
      r.problem(
          key,
          "'"
              + parts[1]
              + "' is not a Google Cloud project id (any id works with an emulator: set "
              + r.key(endpointKey)
              + " or PUBSUB_EMULATOR_HOST)");
    } else if (parts[1].isEmpty()) {
      r.problem(key, "'" + name + "' has no project id");
    } else if (!RESOURCE.matcher(parts[3]).matches()) {
      r.problem(
          key,
          "'"
              + parts[3]
              + "' breaks Pub/Sub's naming rules: 3 to 255 characters from letters, digits"
              + " and - _ . ~ + %, starting with a letter and not with goog");
    }
  }

  /** Whether Pub/Sub calls go to an emulator: the endpoint key or PUBSUB_EMULATOR_HOST set. */
  private static boolean emulated(SectionReader r, String endpointKey) {
    return !r.environment("PUBSUB_EMULATOR_HOST").isBlank() || !r.string(endpointKey).isBlank();
  }
}

package io.dcp.core.schema;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * BigQuery's rule for a column name, in one place: letters, digits and underscores, starting with a
 * letter or underscore, at most 300 characters, and none of the reserved prefixes. Schema
 * validation, schema inference, schema evolution and the Storage Write encoder all ask it.
 */
public final class ColumnName {
  /** The longest column name BigQuery takes. */
  public static final int MAX_LENGTH = 300;

  /** The rule for the characters of a name, as a user reads it in a problem report. */
  public static final String CHARACTER_RULE =
      "letters, digits and underscores only, starting with a letter or underscore, at most "
          + MAX_LENGTH
          + " characters";

  private static final Pattern CHARACTERS =
      Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0," + (MAX_LENGTH - 1) + "}");

  private static final List<String> RESERVED_PREFIXES =
      List.of("_TABLE_", "_FILE_", "_PARTITION", "_ROW_TIMESTAMP", "__ROOT__", "_COLIDENTIFIER");

  private ColumnName() {}

  /**
   * Whether BigQuery takes {@code name} as a column name (its characters and reserved prefixes).
   */
  public static boolean isValid(String name) {
    return hasValidCharacters(name) && reservedPrefix(name).isEmpty();
  }

  /** Whether {@code name} is made of the characters BigQuery allows, within the length limit. */
  public static boolean hasValidCharacters(String name) {
    return CHARACTERS.matcher(name).matches();
  }

  /** Returns the reserved prefix {@code name} starts with (case-insensitively), if any. */
  public static Optional<String> reservedPrefix(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    return RESERVED_PREFIXES.stream().filter(upper::startsWith).findFirst();
  }
}

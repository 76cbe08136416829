package io.dcp.core.model;

import java.util.Locale;

/** The step of the flow at which a message was rejected. */
public enum Stage {
  /** The payload bytes are not valid UTF-8, or exceed the size limit. */
  DECODE,
  /** The payload is not well-formed JSON, not an object, or nested too deep. */
  PARSE,
  /** The message transform (a JavaScript UDF) threw, returned no JSON, or ran out of budget. */
  TRANSFORM,
  /** A value does not fit its column: wrong type, out of range, missing when required. */
  MAP,
  /** The sink rejected the row. */
  WRITE;

  /** Returns the lower-case name used in dead-letter records and metrics tags. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}

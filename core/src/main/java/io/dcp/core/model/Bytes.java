package io.dcp.core.model;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Base64;

/**
 * An immutable byte string: the value of a BYTES column.
 *
 * <p>Unlike a {@code byte[]}, two {@code Bytes} with the same content are equal, so rows that hold
 * them compare by value.
 */
public final class Bytes {
  private final byte[] value;

  private Bytes(byte[] value) {
    this.value = value;
  }

  /** Wraps a copy of {@code value}. */
  public static Bytes copyOf(byte[] value) {
    return new Bytes(requireNonNull(value, "value").clone());
  }

  /** Decodes standard (RFC 4648 §4) base64, throwing IllegalArgumentException when invalid. */
  public static Bytes fromBase64(String base64) {
    return new Bytes(Base64.getDecoder().decode(base64));
  }

  /** Returns a copy of the bytes. */
  public byte[] toByteArray() {
    return value.clone();
  }

  /** Returns the number of bytes. */
  public int length() {
    return value.length;
  }

  /** Returns the standard base64 encoding, as BigQuery prints BYTES in JSON. */
  public String toBase64() {
    return Base64.getEncoder().encodeToString(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes b && Arrays.equals(value, b.value);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(value);
  }

  @Override
  public String toString() {
    return "b64:" + toBase64();
  }
}

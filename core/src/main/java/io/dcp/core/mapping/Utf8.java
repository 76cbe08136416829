package io.dcp.core.mapping;

/** Strict UTF-8 validation over bytes, without decoding them. */
final class Utf8 {
  private Utf8() {}

  /**
   * Returns the offset of the first byte that is not part of well-formed UTF-8 (overlong forms,
   * surrogates, code points past U+10FFFF and truncated sequences included), or -1 when all is well
   * formed.
   */
  static int firstInvalid(byte[] bytes) {
    int i = 0;
    int n = bytes.length;
    while (i < n) {
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      int lead = b & 0xff;
      if (lead < 0xc2 || lead > 0xf4) {
        return i;
      }
      int length = lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
      if (i + length > n) {
        return i;
      }
      int second = bytes[i + 1] & 0xff;
      int min = 0x80;
      int max = 0xbf;
      if (lead == 0xe0) {
        min = 0xa0; // overlong 3-byte forms
      } else if (lead == 0xed) {
        max = 0x9f; // UTF-16 surrogates
      } else if (lead == 0xf0) {
        min = 0x90; // overlong 4-byte forms
      } else if (lead == 0xf4) {
        max = 0x8f; // past U+10FFFF
      }
      if (second < min || second > max) {
        return i;
      }
      for (int k = 2; k < length; k++) {
        if ((bytes[i + k] & 0xc0) != 0x80) {
          return i;
        }
      }
      i += length;
    }
    return -1;
  }
}

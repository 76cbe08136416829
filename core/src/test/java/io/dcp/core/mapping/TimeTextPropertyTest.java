package io.dcp.core.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * TIMESTAMP text in its common form ({@code 2026-11-24T14:30:00.123456Z}, or with {@code +HH:MM})
 * takes a short path; it must read every such text to the instant {@code java.time} reads, over the
 * whole TIMESTAMP range, every fraction length and every offset.
 */
class TimeTextPropertyTest {
  /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z in seconds since the epoch. */
  private static final long MIN = -62_135_596_800L;

  private static final long MAX = 253_402_300_799L;

  @Property(tries = 3000)
  void readsTheCommonFormAsJavaTimeDoes(
      @ForAll @LongRange(min = MIN, max = MAX) long second,
      @ForAll @IntRange(min = 0, max = 999_999) int micros,
      @ForAll @IntRange(min = 0, max = 6) int fractionDigits,
      @ForAll @IntRange(min = -17 * 60 - 59, max = 17 * 60 + 59) int offsetMinutes,
      @ForAll("separators") String separator,
      @ForAll("zones") String zoneForm) {
    ZoneOffset offset =
        zoneForm.equals("offset") ? ZoneOffset.ofTotalSeconds(offsetMinutes * 60) : ZoneOffset.UTC;
    int unit = (int) Math.pow(10, 6 - fractionDigits);
    int kept = micros / unit * unit;
    LocalDateTime local = LocalDateTime.ofEpochSecond(second, kept * 1000, ZoneOffset.UTC);
    String fraction =
        fractionDigits == 0 ? "" : "." + String.format("%06d", micros).substring(0, fractionDigits);
    String zone =
        switch (zoneForm) {
          case "offset" -> offset.getId().equals("Z") ? "+00:00" : offset.getId();
          case "none" -> "";
          default -> zoneForm;
        };
    String text =
        local.format(DateTimeFormatter.ofPattern("uuuu-MM-dd"))
            + separator
            + local.format(DateTimeFormatter.ofPattern("HH:mm:ss"))
            + fraction
            + zone;
    Instant expected = local.toInstant(offset);

    assertThat(TimeText.timestamp(text)).as(text).isEqualTo(expected);
  }

  @Provide
  Arbitrary<String> separators() {
    return Arbitraries.of("T", "t", " ");
  }

  @Provide
  Arbitrary<String> zones() {
    return Arbitraries.of("Z", "z", "none", "offset");
  }
}

package io.dcp.core.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ColumnNameTest {

  @ParameterizedTest
  @CsvSource({
    "a, true",
    "_a1, true",
    "Quote_Bid, true",
    "1a, false",
    "a-b, false",
    "a.b, false",
    "é, false",
    "_PARTITIONTIME, false",
    "_partitiondate, false",
    "_table_suffix, false",
    "_FILE_NAME, false",
    "_ROW_TIMESTAMP, false",
    "__ROOT__x, false",
    "_COLIDENTIFIER_1, false",
    "_TABLEx, true"
  })
  void followsBigQuerysRuleForColumnNames(String name, boolean valid) {
    assertThat(ColumnName.isValid(name)).isEqualTo(valid);
  }

  @ParameterizedTest
  @CsvSource({"300, true", "301, false"})
  void allowsAtMostThreeHundredCharacters(int length, boolean valid) {
    String name = "a".repeat(length);

    assertThat(ColumnName.isValid(name)).isEqualTo(valid);
    assertThat(ColumnName.hasValidCharacters(name)).isEqualTo(valid);
  }

  @ParameterizedTest
  @CsvSource({"_partitiontime, _PARTITION", "_Table_x, _TABLE_", "plain, ''"})
  void namesTheReservedPrefixANameStartsWith(String name, String prefix) {
    assertThat(ColumnName.reservedPrefix(name).orElse("")).isEqualTo(prefix);
  }
}

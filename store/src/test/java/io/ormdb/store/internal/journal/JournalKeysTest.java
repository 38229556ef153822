package io.ormdb.store.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class JournalKeysTest {
  @Test
  void roundTripsAndKeepsNamesApart() {
    for (String name : new String[] {"", "a", "ab", "ü\u0000x", "ormdb-changelog"}) {
      for (long n : new long[] {0, 1, 255, 256, Long.MAX_VALUE}) {
        byte[] k = JournalKeys.key(name, n);
        assertThat(JournalKeys.name(k)).isEqualTo(name);
        assertThat(JournalKeys.number(k)).isEqualTo(n);
        assertThat(JournalKeys.hasPrefix(k, JournalKeys.prefix(name))).isTrue();
        assertThat(JournalKeys.key(JournalKeys.prefix(name), n)).isEqualTo(k);
      }
    }
    assertThat(JournalKeys.hasPrefix(JournalKeys.key("ab", 1), JournalKeys.prefix("a"))).isFalse();
    assertThat(JournalKeys.hasPrefix(JournalKeys.key("a", 1), JournalKeys.prefix("ab"))).isFalse();
  }

  @Test
  void numbersOfOneNameSortInOrder() {
    byte[] a = JournalKeys.key("p", 2);
    byte[] b = JournalKeys.key("p", 10);
    byte[] c = JournalKeys.key("p", 300);
    assertThat(Arrays.compareUnsigned(a, b)).isNegative();
    assertThat(Arrays.compareUnsigned(b, c)).isNegative();
  }
}

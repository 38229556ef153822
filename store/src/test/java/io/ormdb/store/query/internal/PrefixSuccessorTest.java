package io.ormdb.store.query.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.value.Values;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The upper bound of a prefix LIKE's index range ({@link RowReader#successor}): above every string
 * that starts with the prefix, and no string that does not start with it falls between, in code
 * point order. (A prefix ending in an unpaired high surrogate is the exception: the strings
 * starting with it are not one range, and the range covers them and more — the filter is checked on
 * every row an index gives.)
 */
class PrefixSuccessorTest {
  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings()
        .withChars('a', 'b', '\ud7ff', '\ud800', '\ud83d', '\udbff', '\udc00', '\ude00', '\udfff')
        .withChars('\ue000', '\uffff')
        .ofMaxLength(4);
  }

  @Property(tries = 20000)
  void boundsExactlyTheStringsWithThePrefix(
      @ForAll("text") String prefix, @ForAll("text") String s) {
    String next = RowReader.successor(prefix);
    boolean inRange =
        Values.compareText(s, prefix) >= 0 && (next == null || Values.compareText(s, next) < 0);
    boolean endsInHighSurrogate =
        !prefix.isEmpty() && Character.isHighSurrogate(prefix.charAt(prefix.length() - 1));
    if (s.startsWith(prefix) || !endsInHighSurrogate) {
      assertThat(inRange).as("%s in [%s, %s)", s, prefix, next).isEqualTo(s.startsWith(prefix));
    }
  }

  @Test
  void aSupplementaryCharacterIsAboveEveryBmpCharacter() {
    assertThat(RowReader.successor("a")).isEqualTo("b");
    assertThat(RowReader.successor("a\uffff")).isEqualTo("a\ud800\udc00"); // a U+10000
    assertThat(Values.compareText("a\uffff\ud83d\ude00", "a\ud800\udc00")).isNegative();
    assertThat(RowReader.successor("\ud83d\ude00")).isEqualTo("\ud83d\ude01");
    assertThat(RowReader.successor("\udbff\udfff")).isNull();
    // an unpaired high surrogate, then one followed by U+10FFFF: the next code point that can
    // follow the first is U+E000 (a low surrogate would pair with it)
    assertThat(RowReader.successor("\ud800\udbff\udbff\udfff")).isEqualTo("\ud800\ue000");
  }
}

package io.ormdb.store.internal.btree;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** The B-tree key order is unsigned lexicographic byte order, whatever the word-wise shortcut. */
class ByteArrayTypeTest {

  @Property(tries = 5000)
  void ordersLikeUnsignedLexicographicComparison(
      @ForAll("keys") byte[] a, @ForAll("keys") byte[] b, @ForAll("cut") int cut) {
    assertSameOrder(a, b);
    // keys sharing a prefix and differing late (the usual case in one entity's range)
    byte[] c = Arrays.copyOf(a, a.length);
    if (c.length > 0) {
      int at = Math.min(cut, c.length - 1);
      c[at] = (byte) (c[at] + 1);
    }
    assertSameOrder(a, c);
    assertSameOrder(a, Arrays.copyOf(a, Math.min(cut, a.length)));
    assertThat(ByteArrayType.INSTANCE.compare(a, a.clone())).isZero();
  }

  private static void assertSameOrder(byte[] a, byte[] b) {
    assertThat(Integer.signum(ByteArrayType.INSTANCE.compare(a, b)))
        .as("%s vs %s", Arrays.toString(a), Arrays.toString(b))
        .isEqualTo(Integer.signum(Arrays.compareUnsigned(a, b)));
    assertThat(Integer.signum(ByteArrayType.INSTANCE.compare(b, a)))
        .isEqualTo(Integer.signum(Arrays.compareUnsigned(b, a)));
  }

  @Provide
  Arbitrary<byte[]> keys() {
    // few distinct byte values, so that long shared prefixes and 0x00 / 0x80 / 0xFF are common
    return Arbitraries.of((byte) 0, (byte) 1, (byte) 0x7F, (byte) 0x80, (byte) 0xFF)
        .array(byte[].class)
        .ofMaxSize(40);
  }

  @Provide
  Arbitrary<Integer> cut() {
    return Arbitraries.integers().between(0, 40);
  }
}

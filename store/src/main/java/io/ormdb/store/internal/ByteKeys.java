package io.ormdb.store.internal;

import java.util.Arrays;
import java.util.Comparator;

/** Helpers for byte-string keys compared as unsigned lexicographic sequences. */
final class ByteKeys {
  private ByteKeys() {}

  static final Comparator<byte[]> ORDER = Arrays::compareUnsigned;

  static int compare(byte[] a, byte[] b) {
    return Arrays.compareUnsigned(a, b);
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && regionEquals(key, prefix, prefix.length);
  }

  /**
   * Whether the first {@code n} bytes of {@code a} and {@code b} are equal (both have at least
   * {@code n}). Keys and prefixes are short: a plain loop beats the vectorized mismatch's set-up.
   */
  static boolean regionEquals(byte[] a, byte[] b, int n) {
    if (n > 32) {
      return Arrays.equals(a, 0, n, b, 0, n);
    }
    for (int i = n - 1; i >= 0; i--) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * The smallest key greater than every key starting with {@code prefix}, or null when there is
   * none (the prefix is all 0xFF).
   */
  static byte[] prefixEnd(byte[] prefix) {
    int n = prefix.length;
    while (n > 0 && prefix[n - 1] == (byte) 0xFF) {
      n--;
    }
    if (n == 0) {
      return null;
    }
    byte[] out = Arrays.copyOf(prefix, n);
    out[n - 1]++;
    return out;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /** A byte array usable as a hash-map key. */
  record Key(byte[] bytes) implements Comparable<Key> {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(Key o) {
      return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
      return java.util.HexFormat.of().formatHex(bytes);
    }
  }
}

package io.ormdb.store.internal.codec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Comparator;

/** Helpers for byte-string keys compared as unsigned lexicographic sequences. */
public final class ByteKeys {
  private ByteKeys() {}

  public static final Comparator<byte[]> ORDER = ByteKeys::compare;

  /**
   * Unsigned lexicographic order, eight bytes at a time — the order of every map of the store
   * ({@code ByteArrayType}) and of every key walk. Keys are short (a 4-byte entity or index prefix,
   * a tagged value, an 8-byte version), so this beats the set-up of the vectorised mismatch, and
   * every B-tree descent runs it a few dozen times.
   */
  public static int compare(byte[] a, byte[] b) {
    int n = Math.min(a.length, b.length);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long x = (long) LONGS.get(a, i);
      long y = (long) LONGS.get(b, i);
      if (x != y) {
        return Long.compareUnsigned(x, y);
      }
    }
    for (; i < n; i++) {
      int c = (a[i] & 0xFF) - (b[i] & 0xFF);
      if (c != 0) {
        return c;
      }
    }
    return a.length - b.length;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  public static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length && regionEquals(key, prefix, prefix.length);
  }

  /**
   * Whether the first {@code n} bytes of {@code a} and {@code b} are equal (both have at least
   * {@code n}). Keys and prefixes are short: a plain loop beats the vectorized mismatch's set-up.
   */
  public static boolean regionEquals(byte[] a, byte[] b, int n) {
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
  public static byte[] prefixEnd(byte[] prefix) {
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

  public static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  /**
   * A byte array usable as a hash-map key; its hash is computed once (a batch looks each of its
   * rows up several times).
   */
  public static final class Key implements Comparable<Key> {
    private final byte[] bytes;
    private final int hash;

    public Key(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    public byte[] bytes() {
      return bytes;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && hash == k.hash && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
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

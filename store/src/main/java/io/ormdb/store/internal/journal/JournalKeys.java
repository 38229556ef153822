package io.ormdb.store.internal.journal;

import io.ormdb.store.internal.codec.Buf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key encoding of the journal maps: {@code name | number}, where the name (a persistence id or a
 * tag) is its UTF-8 length as 4 bytes then its bytes, and the number (a sequence number or an
 * ordering, never negative) is 8 bytes big-endian. Length-prefixing makes the keys of one name a
 * contiguous range that no other name's keys enter, and orders them by number.
 */
final class JournalKeys {
  private JournalKeys() {}

  static byte[] prefix(String name) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    return new Buf(4 + b.length).putInt(b.length).put(b).toBytes();
  }

  static byte[] key(String name, long number) {
    byte[] b = name.getBytes(StandardCharsets.UTF_8);
    return new Buf(12 + b.length).putInt(b.length).put(b).putLong(number).toBytes();
  }

  static byte[] key(byte[] prefix, long number) {
    return new Buf(prefix.length + 8).put(prefix).putLong(number).toBytes();
  }

  static String name(byte[] key) {
    Buf.In in = new Buf.In(key);
    int n = in.getInt();
    return new String(key, 4, n, StandardCharsets.UTF_8);
  }

  static long number(byte[] key) {
    return new Buf.In(key, key.length - 8).getLong();
  }

  static boolean hasPrefix(byte[] key, byte[] prefix) {
    return key.length == prefix.length + 8
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}

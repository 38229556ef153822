package io.ormdb.bench.systems;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A minimal row encoding for the raw MVStore baseline: fixed-width numbers, length-prefixed text.
 */
final class RowBytes {
  private RowBytes() {}

  static final class Writer {
    private byte[] buf = new byte[64];
    private int pos;

    Writer putLong(long v) {
      ensure(8);
      for (int i = 7; i >= 0; i--) {
        buf[pos++] = (byte) (v >>> (i * 8));
      }
      return this;
    }

    Writer putInt(int v) {
      ensure(4);
      for (int i = 3; i >= 0; i--) {
        buf[pos++] = (byte) (v >>> (i * 8));
      }
      return this;
    }

    Writer putString(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      putInt(b.length);
      ensure(b.length);
      System.arraycopy(b, 0, buf, pos, b.length);
      pos += b.length;
      return this;
    }

    byte[] bytes() {
      return Arrays.copyOf(buf, pos);
    }

    private void ensure(int n) {
      if (pos + n > buf.length) {
        buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
      }
    }
  }

  static final class Reader {
    private final byte[] buf;
    private int pos;

    Reader(byte[] buf) {
      this.buf = buf;
    }

    long getLong() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | (buf[pos++] & 0xFF);
      }
      return v;
    }

    int getInt() {
      int v = 0;
      for (int i = 0; i < 4; i++) {
        v = (v << 8) | (buf[pos++] & 0xFF);
      }
      return v;
    }

    String getString() {
      int n = getInt();
      String s = new String(buf, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }
  }

  static Writer writer() {
    return new Writer();
  }

  static Reader reader(byte[] b) {
    return new Reader(b);
  }
}

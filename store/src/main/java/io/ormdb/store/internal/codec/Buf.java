package io.ormdb.store.internal.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with big-endian fixed-width and variable-length integer writers. */
public final class Buf {
  private byte[] data;
  private int len;

  public Buf() {
    this(32);
  }

  public Buf(int capacity) {
    data = new byte[Math.max(8, capacity)];
  }

  int length() {
    return len;
  }

  private void ensure(int extra) {
    if (len + extra > data.length) {
      data = Arrays.copyOf(data, Math.max(data.length * 2, len + extra));
    }
  }

  public Buf put(int b) {
    ensure(1);
    data[len++] = (byte) b;
    return this;
  }

  public Buf put(byte[] b) {
    return put(b, 0, b.length);
  }

  public Buf put(byte[] b, int off, int n) {
    ensure(n);
    System.arraycopy(b, off, data, len, n);
    len += n;
    return this;
  }

  public Buf putInt(int v) {
    ensure(4);
    data[len++] = (byte) (v >>> 24);
    data[len++] = (byte) (v >>> 16);
    data[len++] = (byte) (v >>> 8);
    data[len++] = (byte) v;
    return this;
  }

  public Buf putLong(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      data[len++] = (byte) (v >>> shift);
    }
    return this;
  }

  public Buf putVarLong(long v) {
    while ((v & ~0x7FL) != 0) {
      put((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    return put((int) v);
  }

  public Buf putVarInt(int v) {
    return putVarLong(v & 0xFFFFFFFFL);
  }

  /** Zig-zag signed varint. */
  Buf putSignedVarLong(long v) {
    return putVarLong((v << 1) ^ (v >> 63));
  }

  /** A varint byte length, then the UTF-8 bytes. */
  public Buf putString(String s) {
    int n = s.length();
    if (n < 0x80) {
      // ASCII (field names, most text) is written as is: no byte array to encode into
      ensure(1 + n);
      int start = len;
      data[len++] = (byte) n;
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c >= 0x80) {
          len = start;
          return putUtf8(s);
        }
        data[len++] = (byte) c;
      }
      return this;
    }
    return putUtf8(s);
  }

  private Buf putUtf8(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    putVarInt(b.length);
    return put(b);
  }

  public byte[] toBytes() {
    return Arrays.copyOf(data, len);
  }

  /** Bytes {@code [from, to)} written so far, copied. */
  byte[] copyOfRange(int from, int to) {
    return Arrays.copyOfRange(data, from, to);
  }

  private static final ThreadLocal<Buf> SCRATCH = ThreadLocal.withInitial(() -> new Buf(256));

  /** The largest scratch buffer kept for the next use (a larger one is dropped). */
  private static final int SCRATCH_KEPT = 1 << 16;

  /**
   * An empty buffer of this thread's to encode into and copy out of with {@link #toBytes}, so that
   * an encoding allocates its result only. Not reentrant: the encoding must not ask for it again
   * before it copied its bytes out.
   */
  static Buf scratch() {
    Buf b = SCRATCH.get();
    if (b.data.length > SCRATCH_KEPT) {
      b = new Buf(256);
      SCRATCH.set(b);
    }
    return b.clear();
  }

  /** Empties the buffer for reuse (keeps its capacity). */
  public Buf clear() {
    len = 0;
    return this;
  }

  /** Whether the buffer's bytes equal {@code other[from, to)}. */
  public boolean contentEquals(byte[] other, int from, int to) {
    return to - from == len && Arrays.equals(data, 0, len, other, from, to);
  }

  /** A reader over a byte array. */
  public static final class In {
    private final byte[] data;
    int pos;

    public In(byte[] data) {
      this(data, 0);
    }

    public In(byte[] data, int pos) {
      this.data = data;
      this.pos = pos;
    }

    boolean hasMore() {
      return pos < data.length;
    }

    public int get() {
      return data[pos++] & 0xFF;
    }

    public byte[] get(int n) {
      if (n < 0 || n > data.length - pos) {
        throw new IllegalArgumentException("truncated input: " + n + " bytes at " + pos);
      }
      byte[] out = Arrays.copyOfRange(data, pos, pos + n);
      pos += n;
      return out;
    }

    /** The bytes from the position to the end. */
    public byte[] rest() {
      return get(data.length - pos);
    }

    public int getInt() {
      int v = 0;
      for (int i = 0; i < 4; i++) {
        v = (v << 8) | get();
      }
      return v;
    }

    public long getLong() {
      long v = 0;
      for (int i = 0; i < 8; i++) {
        v = (v << 8) | get();
      }
      return v;
    }

    public long getVarLong() {
      long v = 0;
      int shift = 0;
      while (true) {
        int b = get();
        v |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
        shift += 7;
      }
    }

    public int getVarInt() {
      return (int) getVarLong();
    }

    long getSignedVarLong() {
      long v = getVarLong();
      return (v >>> 1) ^ -(v & 1);
    }

    public String getString() {
      int n = getVarInt();
      String s = new String(data, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }
  }
}

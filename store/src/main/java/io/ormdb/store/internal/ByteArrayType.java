package io.ormdb.store.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/** MVStore data type for byte-array keys and values, ordered as unsigned byte strings. */
final class ByteArrayType extends BasicDataType<byte[]> {
  static final ByteArrayType INSTANCE = new ByteArrayType();

  private ByteArrayType() {}

  @Override
  public int getMemory(byte[] obj) {
    return 24 + obj.length;
  }

  @Override
  public void write(WriteBuffer buff, byte[] obj) {
    buff.putVarInt(obj.length);
    buff.put(obj);
  }

  @Override
  public byte[] read(ByteBuffer buff) {
    int n = DataUtils.readVarInt(buff);
    byte[] b = new byte[n];
    buff.get(b);
    return b;
  }

  /**
   * Unsigned lexicographic order, eight bytes at a time: keys are short (4-byte entity or index
   * prefix, a tagged value, an 8-byte version), so this beats the set-up of the vectorised
   * mismatch, and every B-tree descent runs it a few dozen times.
   */
  @Override
  public int compare(byte[] a, byte[] b) {
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

  @Override
  public byte[][] createStorage(int size) {
    return new byte[size][];
  }
}

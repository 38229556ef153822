package io.ormdb.store.internal.btree;

import io.ormdb.store.internal.codec.ByteKeys;
import java.nio.ByteBuffer;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.WriteBuffer;
import org.h2.mvstore.type.BasicDataType;

/** MVStore data type for byte-array keys and values, ordered as unsigned byte strings. */
public final class ByteArrayType extends BasicDataType<byte[]> {
  public static final ByteArrayType INSTANCE = new ByteArrayType();

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

  /** The store's one key order: {@link ByteKeys#compare}. */
  @Override
  public int compare(byte[] a, byte[] b) {
    return ByteKeys.compare(a, b);
  }

  @Override
  public byte[][] createStorage(int size) {
    return new byte[size][];
  }
}

package io.ormdb.store.internal.file;

import java.util.function.BooleanSupplier;

/**
 * A byte-keyed map of the store file (keys in unsigned byte order) that any thread may read and
 * only the committer thread may write, from a slice passed to {@code Engine.runOnCommitter}. Reads
 * see the newest writes, committed or not.
 */
public final class BytesMap {
  private final BooleanSupplier onWriter;
  private final LoggedMap<byte[], byte[]> map;

  /** {@code onWriter}: whether the calling thread is the committer. */
  public BytesMap(BooleanSupplier onWriter, LoggedMap<byte[], byte[]> map) {
    this.onWriter = onWriter;
    this.map = map;
  }

  public byte[] get(byte[] key) {
    return map.map().get(key);
  }

  /** The smallest key above {@code key}, or null. */
  public byte[] higherKey(byte[] key) {
    return map.map().higherKey(key);
  }

  public void put(byte[] key, byte[] value) {
    checkWriter();
    map.put(key, value);
  }

  public void remove(byte[] key) {
    checkWriter();
    map.remove(key);
  }

  private void checkWriter() {
    if (!onWriter.getAsBoolean()) {
      throw new IllegalStateException("only the committer thread writes " + map.name());
    }
  }
}

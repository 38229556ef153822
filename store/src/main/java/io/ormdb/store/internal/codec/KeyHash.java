package io.ormdb.store.internal.codec;

/** The stable hash of key bytes that partitioning is defined by. Part of the storage format. */
public final class KeyHash {
  private KeyHash() {}

  /** 32-bit FNV-1a over {@code bytes[from, to)}. */
  public static int fnv1a(byte[] bytes, int from, int to) {
    int h = 0x811C9DC5;
    for (int i = from; i < to; i++) {
      h ^= bytes[i] & 0xFF;
      h *= 0x01000193;
    }
    return h;
  }
}

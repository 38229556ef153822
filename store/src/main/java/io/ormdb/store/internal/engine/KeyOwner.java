package io.ormdb.store.internal.engine;

import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.Partitioning;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.codec.Buf;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.KeyHash;

/**
 * Which rows a read view returns, decided on the identity's key bytes before a row is looked up or
 * decoded: all of them, or those of one logical partition (see {@code io.ormdb.store.Partitioning},
 * which hashes the same bytes).
 */
abstract class KeyOwner {
  static final KeyOwner ALL =
      new KeyOwner() {
        @Override
        boolean owns(Catalog.EntityInfo e, byte[] key, int from, int to) {
          return true;
        }
      };

  /** Whether the identity encoded in {@code key[from, to)} of a row of {@code e} is owned. */
  abstract boolean owns(Catalog.EntityInfo e, byte[] key, int from, int to);

  /** The rows of partition {@code partition} out of {@code partitions}. */
  static KeyOwner partition(int partition, int partitions) {
    if (partitions < 1 || partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException(
          "partition " + partition + " of " + partitions + " does not exist");
    }
    if (partitions == 1) {
      return ALL;
    }
    return new KeyOwner() {
      @Override
      boolean owns(Catalog.EntityInfo e, byte[] key, int from, int to) {
        // a 32-bit identity's key bytes are not the ones it hashes by: ask Partitioning
        int hash =
            e.identity.type().base() == ValueType.INT32
                ? Partitioning.hash(KeyCodec.decode(new Buf.In(key, from)))
                : KeyHash.fnv1a(key, from, to);
        return Math.floorMod(hash, partitions) == partition;
      }
    };
  }
}

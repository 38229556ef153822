package io.ormdb.store;

import io.ormdb.protocol.value.Value;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.KeyHash;

/**
 * Which partition a row belongs to: {@code floorMod(hash(key encoding of its identity),
 * partitions)}, where the hash is 32-bit FNV-1a over the identity's order-preserving key encoding
 * (the bytes the store keys the row by). It depends only on the identity value, never on {@code
 * Object.hashCode} or on anything that can change between JVMs, releases or restarts. A 32-bit
 * integer identity is hashed as the equal 64-bit one, so a foreign key declared with the other
 * integer width lands in the same partition.
 *
 * <p>Changing this function moves rows between partitions: treat it as part of the storage format.
 * (Version 2 of the key encoding of strings, {@code KeyCodec.STRING_ENCODING}, changed the bytes of
 * identities holding a supplementary character and so their partition; partitions are computed at
 * every start, not stored.)
 */
public final class Partitioning {
  private Partitioning() {}

  /** The partition, in {@code [0, partitions)}, of the row with identity {@code identity}. */
  public static int partitionOf(Value identity, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be > 0 but is " + partitions);
    }
    if (partitions == 1) {
      return 0;
    }
    return Math.floorMod(hash(identity), partitions);
  }

  /** The stable 32-bit hash of an identity value. */
  public static int hash(Value identity) {
    Value v = identity instanceof Value.Int32 i ? new Value.Int64(i.value()) : identity;
    byte[] key = KeyCodec.encode(v);
    return KeyHash.fnv1a(key, 0, key.length);
  }
}

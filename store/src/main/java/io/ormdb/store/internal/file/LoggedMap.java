package io.ormdb.store.internal.file;

import org.h2.mvstore.MVMap;

/**
 * A map of the store file, the only way to write it: {@link #put} and {@link #remove} are every
 * write the store makes to its maps (an architecture test forbids the rest of the store to write an
 * {@code MVMap} itself), so that one place sees them all. Reads use the wrapped map, {@link
 * #map()}. Each map has a stable small {@link #id()} and encodes its keys and values as bytes.
 */
public final class LoggedMap<K, V> {
  private final int id;
  private final MVMap<K, V> map;
  private final MapCodec<K> keys;
  private final MapCodec<V> values;

  LoggedMap(int id, MVMap<K, V> map, MapCodec<K> keys, MapCodec<V> values) {
    this.id = id;
    this.map = map;
    this.keys = keys;
    this.values = values;
  }

  /** The map's id: stable, never reused by another map. */
  public int id() {
    return id;
  }

  public String name() {
    return map.getName();
  }

  /** The map, for reads. */
  public MVMap<K, V> map() {
    return map;
  }

  /** Writes {@code key}; returns its previous value, or null. */
  public V put(K key, V value) {
    return map.put(key, value);
  }

  /** Removes {@code key}; returns its value, or null. */
  public V remove(K key) {
    return map.remove(key);
  }

  public byte[] encodeKey(K key) {
    return keys.encode(key);
  }

  public K decodeKey(byte[] bytes) {
    return keys.decode(bytes);
  }

  public byte[] encodeValue(V value) {
    return values.encode(value);
  }

  public V decodeValue(byte[] bytes) {
    return values.decode(bytes);
  }
}

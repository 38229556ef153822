package io.ormdb.store.internal.file;

import org.h2.mvstore.MVMap;

/**
 * A map of the store file, the only way to write it: {@link #put} and {@link #remove} are every
 * write the store makes to its maps (an architecture test forbids the rest of the store to write an
 * {@code MVMap} itself), so that one place sees them all — while a commit group is open, each write
 * is also handed to the {@link Recorder} of the maps ({@link StoreMaps#record}), which puts it into
 * the group's write-ahead-log record. Reads use the wrapped map, {@link #map()}. Each map has a
 * stable small {@link #id()} and encodes its keys and values as bytes.
 */
public final class LoggedMap<K, V> {
  /** Receives the writes of the maps, as bytes (the committer thread's, while it records). */
  public interface Recorder {
    void put(int map, byte[] key, byte[] value);

    void remove(int map, byte[] key);
  }

  /** Shared by the maps of one file: the recorder of the open group, or null. */
  static final class RecorderSlot {
    volatile Recorder recorder;
  }

  private final RecorderSlot slot;
  private final int id;
  private final MVMap<K, V> map;
  private final MapCodec<K> keys;
  private final MapCodec<V> values;

  LoggedMap(RecorderSlot slot, int id, MVMap<K, V> map, MapCodec<K> keys, MapCodec<V> values) {
    this.slot = slot;
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
    Recorder r = slot.recorder;
    if (r != null) {
      r.put(id, keys.encode(key), values.encode(value));
    }
    return map.put(key, value);
  }

  /** Removes {@code key}; returns its value, or null. */
  public V remove(K key) {
    V old = map.remove(key);
    Recorder r = slot.recorder;
    if (r != null && old != null) {
      r.remove(id, keys.encode(key));
    }
    return old;
  }

  /** Replays a logged put (recovery): written as it was, not recorded again. */
  public void replayPut(byte[] key, byte[] value) {
    map.put(keys.decode(key), values.decode(value));
  }

  /** Replays a logged removal (recovery): not recorded again. */
  public void replayRemove(byte[] key) {
    map.remove(keys.decode(key));
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

  /**
   * Puts every entry of {@code source} (a map of the same id in another file) into this map, in key
   * order, not recorded; {@code afterEach} runs after every put (to commit now and then).
   */
  @SuppressWarnings("unchecked")
  public void copyFrom(LoggedMap<?, ?> source, Runnable afterEach) {
    if (source.id != id) {
      throw new IllegalArgumentException("map " + source.id + " copied into map " + id);
    }
    org.h2.mvstore.Cursor<K, V> c = ((MVMap<K, V>) source.map).cursor(null);
    while (c.hasNext()) {
      K k = c.next();
      map.put(k, c.getValue());
      afterEach.run();
    }
  }
}

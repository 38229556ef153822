package io.ormdb.store.internal.file;

import io.ormdb.store.internal.btree.ByteArrayType;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/**
 * Every map of the store file, opened here and nowhere else (an architecture test forbids other
 * calls of {@code MVStore.openMap}), each with a stable small id and the encodings of its keys and
 * values. Ids are never renumbered or reused: a log of writes names maps by them. A map of byte
 * arrays orders its keys as unsigned bytes ({@link ByteArrayType}); the others use MVStore's own
 * types, as the file has always had them.
 */
public final class StoreMaps {
  /** Row versions: {@code entityId | key(identity) | ~lsn} → stored row. */
  public final LoggedMap<byte[], byte[]> rows;

  /** Index entries: {@code indexId | key(values) | key(identity)} → empty. */
  public final LoggedMap<byte[], byte[]> idx;

  /** LSN → encoded change set. */
  public final LoggedMap<Long, byte[]> changelog;

  /** Schema version → encoded catalog. */
  public final LoggedMap<Long, byte[]> catalog;

  /** Positions, counts and the file's role, by name. */
  public final LoggedMap<String, String> meta;

  /** The columnar store's checkpoint metadata. */
  public final LoggedMap<byte[], byte[]> columnMeta;

  /** The columnar store's checkpoint chunks. */
  public final LoggedMap<byte[], byte[]> columnChunks;

  /** Journal events: {@code pid | seqNr} → event. */
  public final LoggedMap<byte[], byte[]> journal;

  /** Persistence id → highest sequence number ever written. */
  public final LoggedMap<String, Long> journalHighest;

  /** {@code tag | ordering} → the event's journal key. */
  public final LoggedMap<byte[], byte[]> journalTags;

  /** Snapshots: {@code pid | seqNr} → snapshot. */
  public final LoggedMap<byte[], byte[]> journalSnapshots;

  /** Named consumer → offset. */
  public final LoggedMap<String, String> offsets;

  private final MVStore store;
  private final List<LoggedMap<?, ?>> all = new ArrayList<>();
  private final LoggedMap.RecorderSlot slot = new LoggedMap.RecorderSlot();

  public StoreMaps(StoreFile file) {
    store = file.store();
    rows = open(1, "rows", MapCodec.BYTES, MapCodec.BYTES);
    idx = open(2, "idx", MapCodec.BYTES, MapCodec.BYTES);
    changelog = open(3, "changelog", MapCodec.LONG, MapCodec.BYTES);
    catalog = open(4, "catalog", MapCodec.LONG, MapCodec.BYTES);
    meta = open(5, "meta", MapCodec.STRING, MapCodec.STRING);
    columnMeta = open(6, "col.meta", MapCodec.BYTES, MapCodec.BYTES);
    columnChunks = open(7, "col.seg", MapCodec.BYTES, MapCodec.BYTES);
    journal = open(8, "journal", MapCodec.BYTES, MapCodec.BYTES);
    journalHighest = open(9, "journal.highest", MapCodec.STRING, MapCodec.LONG);
    journalTags = open(10, "journal.tags", MapCodec.BYTES, MapCodec.BYTES);
    journalSnapshots = open(11, "journal.snapshots", MapCodec.BYTES, MapCodec.BYTES);
    offsets = open(12, "offsets", MapCodec.STRING, MapCodec.STRING);
  }

  /** Every map, in id order. */
  public List<LoggedMap<?, ?>> all() {
    return List.copyOf(all);
  }

  /**
   * From now on every write of every map goes to {@code recorder} too, until {@code null} stops it.
   * Set by the committer around a commit group.
   */
  public void record(LoggedMap.Recorder recorder) {
    slot.recorder = recorder;
  }

  /** The map with {@code id}. */
  public LoggedMap<?, ?> byId(int id) {
    for (LoggedMap<?, ?> m : all) {
      if (m.id() == id) {
        return m;
      }
    }
    throw new IllegalArgumentException("no map with id " + id);
  }

  @SuppressWarnings("unchecked")
  private <K, V> LoggedMap<K, V> open(int id, String name, MapCodec<K> keys, MapCodec<V> values) {
    MVMap<K, V> map;
    if (keys == MapCodec.BYTES && values == MapCodec.BYTES) {
      map =
          (MVMap<K, V>)
              store.openMap(
                  name,
                  new MVMap.Builder<byte[], byte[]>()
                      .keyType(ByteArrayType.INSTANCE)
                      .valueType(ByteArrayType.INSTANCE));
    } else {
      map = store.openMap(name);
    }
    LoggedMap<K, V> m = new LoggedMap<>(slot, id, map, keys, values);
    all.add(m);
    return m;
  }

  /**
   * Runs a read that walks a map (a cursor over many entries) with the current version pinned, so
   * that no chunk it may read is reused meanwhile, however long it takes.
   */
  public <T> T pinned(java.util.function.Supplier<T> read) {
    MVStore.TxCounter c = store.registerVersionUsage();
    try {
      return read.get();
    } finally {
      if (!store.isClosed()) {
        store.deregisterVersionUsage(c);
      }
    }
  }
}

package io.ormdb.store.internal.file;

import io.ormdb.store.internal.btree.ByteArrayType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
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

  /** A map of the file: its stable id, its name and the codecs of its keys and values. */
  private record Def<K, V>(int id, String name, MapCodec<K> keys, MapCodec<V> values) {}

  private static final Def<byte[], byte[]> ROWS =
      new Def<>(1, "rows", MapCodec.BYTES, MapCodec.BYTES);
  private static final Def<byte[], byte[]> IDX =
      new Def<>(2, "idx", MapCodec.BYTES, MapCodec.BYTES);
  private static final Def<Long, byte[]> CHANGELOG =
      new Def<>(3, "changelog", MapCodec.LONG, MapCodec.BYTES);
  private static final Def<Long, byte[]> CATALOG =
      new Def<>(4, "catalog", MapCodec.LONG, MapCodec.BYTES);
  private static final Def<String, String> META =
      new Def<>(5, "meta", MapCodec.STRING, MapCodec.STRING);
  private static final Def<byte[], byte[]> COLUMN_META =
      new Def<>(6, "col.meta", MapCodec.BYTES, MapCodec.BYTES);
  private static final Def<byte[], byte[]> COLUMN_CHUNKS =
      new Def<>(7, "col.seg", MapCodec.BYTES, MapCodec.BYTES);
  private static final Def<byte[], byte[]> JOURNAL =
      new Def<>(8, "journal", MapCodec.BYTES, MapCodec.BYTES);
  private static final Def<String, Long> JOURNAL_HIGHEST =
      new Def<>(9, "journal.highest", MapCodec.STRING, MapCodec.LONG);
  private static final Def<byte[], byte[]> JOURNAL_TAGS =
      new Def<>(10, "journal.tags", MapCodec.BYTES, MapCodec.BYTES);
  private static final Def<byte[], byte[]> JOURNAL_SNAPSHOTS =
      new Def<>(11, "journal.snapshots", MapCodec.BYTES, MapCodec.BYTES);
  private static final Def<String, String> OFFSETS =
      new Def<>(12, "offsets", MapCodec.STRING, MapCodec.STRING);

  /** Every map, in id order. */
  private static final List<Def<?, ?>> DEFS =
      List.of(
          ROWS,
          IDX,
          CHANGELOG,
          CATALOG,
          META,
          COLUMN_META,
          COLUMN_CHUNKS,
          JOURNAL,
          JOURNAL_HIGHEST,
          JOURNAL_TAGS,
          JOURNAL_SNAPSHOTS,
          OFFSETS);

  public StoreMaps(StoreFile file) {
    store = file.store();
    rows = open(ROWS);
    idx = open(IDX);
    changelog = open(CHANGELOG);
    catalog = open(CATALOG);
    meta = open(META);
    columnMeta = open(COLUMN_META);
    columnChunks = open(COLUMN_CHUNKS);
    journal = open(JOURNAL);
    journalHighest = open(JOURNAL_HIGHEST);
    journalTags = open(JOURNAL_TAGS);
    journalSnapshots = open(JOURNAL_SNAPSHOTS);
    offsets = open(OFFSETS);
  }

  /**
   * Opens every map of {@code file} on its own, for a check of a file that may be damaged: a map
   * whose root page cannot be read is handed to {@code unreadable} instead (opening all of them
   * with the constructor fails at the first). In id order, by name.
   */
  static Map<String, MVMap<?, ?>> openEach(
      StoreFile file, BiConsumer<String, RuntimeException> unreadable) {
    Map<String, MVMap<?, ?>> out = new LinkedHashMap<>();
    for (Def<?, ?> d : DEFS) {
      try {
        out.put(d.name(), mvMap(file.store(), d));
      } catch (RuntimeException e) {
        unreadable.accept(d.name(), e);
      }
    }
    return out;
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

  private <K, V> LoggedMap<K, V> open(Def<K, V> d) {
    LoggedMap<K, V> m = new LoggedMap<>(slot, d.id(), mvMap(store, d), d.keys(), d.values());
    all.add(m);
    return m;
  }

  @SuppressWarnings("unchecked")
  private static <K, V> MVMap<K, V> mvMap(MVStore store, Def<K, V> d) {
    if (d.keys() == MapCodec.BYTES && d.values() == MapCodec.BYTES) {
      return (MVMap<K, V>)
          store.openMap(
              d.name(),
              new MVMap.Builder<byte[], byte[]>()
                  .keyType(ByteArrayType.INSTANCE)
                  .valueType(ByteArrayType.INSTANCE));
    }
    return store.openMap(d.name());
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

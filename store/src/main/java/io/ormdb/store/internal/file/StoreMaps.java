package io.ormdb.store.internal.file;

import io.ormdb.store.internal.btree.ByteArrayType;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/** Every map of the store file, opened in one place. */
public final class StoreMaps {
  /** Row versions: {@code entityId | key(identity) | ~lsn} → stored row. */
  public final MVMap<byte[], byte[]> rows;

  /** Index entries: {@code indexId | key(values) | key(identity)} → empty. */
  public final MVMap<byte[], byte[]> idx;

  /** LSN → encoded change set. */
  public final MVMap<Long, byte[]> changelog;

  /** Schema version → encoded catalog. */
  public final MVMap<Long, byte[]> catalog;

  /** Positions, counts and the file's role, by name. */
  public final MVMap<String, String> meta;

  /** The columnar store's checkpoint metadata. */
  public final MVMap<byte[], byte[]> columnMeta;

  /** The columnar store's checkpoint chunks. */
  public final MVMap<byte[], byte[]> columnChunks;

  /** Journal events: {@code pid | seqNr} → event. */
  public final MVMap<byte[], byte[]> journal;

  /** Persistence id → highest sequence number ever written. */
  public final MVMap<String, Long> journalHighest;

  /** {@code tag | ordering} → the event's journal key. */
  public final MVMap<byte[], byte[]> journalTags;

  /** Snapshots: {@code pid | seqNr} → snapshot. */
  public final MVMap<byte[], byte[]> journalSnapshots;

  /** Named consumer → offset. */
  public final MVMap<String, String> offsets;

  public StoreMaps(StoreFile file) {
    MVStore store = file.store();
    rows = bytes(store, "rows");
    idx = bytes(store, "idx");
    changelog = store.openMap("changelog");
    catalog = store.openMap("catalog");
    meta = store.openMap("meta");
    columnMeta = bytes(store, "col.meta");
    columnChunks = bytes(store, "col.seg");
    journal = bytes(store, "journal");
    journalHighest = store.openMap("journal.highest");
    journalTags = bytes(store, "journal.tags");
    journalSnapshots = bytes(store, "journal.snapshots");
    offsets = store.openMap("offsets");
  }

  private static MVMap<byte[], byte[]> bytes(MVStore store, String name) {
    return store.openMap(
        name,
        new MVMap.Builder<byte[], byte[]>()
            .keyType(ByteArrayType.INSTANCE)
            .valueType(ByteArrayType.INSTANCE));
  }
}

package io.ormdb.store.internal.engine;

import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.Catalog.IndexInfo;
import io.ormdb.store.internal.codec.ByteKeys;
import io.ormdb.store.internal.codec.ChangeSetCodec;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.RowCodec;
import io.ormdb.store.internal.codec.RowCodec.RowData;
import io.ormdb.store.internal.file.LoggedMap;
import io.ormdb.store.internal.file.StoreMaps;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The tables of the store file — row versions ({@code rows}), index entries ({@code idx}), the
 * changelog and {@code meta} — with the reads of the newest state the write path needs and the
 * writes of a committed change set. Writes and the reads here run on the committer thread.
 */
final class Tables {
  /** Meta key: the LSN of the change set being written (recovery removes rows above the last). */
  static final String APPLYING = "applying";

  /** Meta key: the oldest LSN a read view may open at. */
  static final String OLDEST = "oldest";

  /** Meta key: the oldest LSN the changelog holds. */
  static final String OLDEST_LOG = "changelog.oldest";

  /** Meta key prefix (+ entity id): the live row count. */
  private static final String COUNT = "count.";

  /** Meta key prefix (+ entity id): the largest integer identity compaction removed. */
  private static final String REMOVED_ID = "id.removed.";

  final LoggedMap<byte[], byte[]> rows;
  final LoggedMap<byte[], byte[]> idx;
  final LoggedMap<Long, byte[]> changelog;
  final LoggedMap<String, String> meta;

  Tables(StoreMaps maps) {
    this.rows = maps.rows;
    this.idx = maps.idx;
    this.changelog = maps.changelog;
    this.meta = maps.meta;
  }

  // ---------------------------------------------------------------------------------------------
  // reads of the newest state

  RowData latestVersion(EntityInfo e, byte[] idKey) {
    return Storage.version(rows.map().flushAndGetRoot(), e, idKey, Long.MAX_VALUE);
  }

  /**
   * The newest versions of several rows at once, {@code out[i]} for {@code idKeys[i]} (null: none),
   * in one ordered pass ({@link Storage#versions}).
   */
  RowData[] latestVersions(EntityInfo e, byte[][] idKeys) {
    return Storage.versions(rows.map().flushAndGetRoot(), e, idKeys, Long.MAX_VALUE);
  }

  Iterator<Storage.Keyed> scanLatest(EntityInfo e) {
    return Storage.scan(rows.map(), rows.map().flushAndGetRoot(), e, Long.MAX_VALUE, true);
  }

  List<byte[]> indexCandidates(IndexInfo ix, byte[] values) {
    return Storage.indexCandidates(idx.map(), idx.map().flushAndGetRoot(), ix, values);
  }

  /**
   * The largest integer identity {@code e} has ever held: the largest stored (live or deleted rows,
   * whose versions stay until compaction), or the largest that compaction removed with a deleted
   * row's history, whichever is larger; {@link Long#MIN_VALUE} when it never held one.
   */
  long largestIdentityHeld(EntityInfo e) {
    long max = Long.MIN_VALUE;
    byte[] end = ByteKeys.prefixEnd(e.prefix);
    byte[] k = rows.map().lowerKey(end);
    if (k != null && ByteKeys.startsWith(k, e.prefix)) {
      max = KeyCodec.decode(Storage.idKeyOf(k)).asLong();
    }
    String removed = meta.map().get(REMOVED_ID + e.id);
    return removed == null ? max : Math.max(max, Long.parseLong(removed));
  }

  /** The live rows of {@code e} (maintained per change set). */
  long count(EntityInfo e) {
    String c = meta.map().get(COUNT + e.id);
    return c == null ? 0 : Long.parseLong(c);
  }

  /** A long in {@code meta}, or {@code absent}. */
  long metaLong(String key, long absent) {
    String v = meta.map().get(key);
    return v == null ? absent : Long.parseLong(v);
  }

  // ---------------------------------------------------------------------------------------------
  // writes (committer thread)

  void putMetaLong(String key, long value) {
    meta.put(key, Long.toString(value));
  }

  /** Writes one row version at {@code lsn} and, when it is live, its index entries. */
  void putVersion(EntityInfo e, byte[] idKey, long lsn, int state, Map<String, Value> fields) {
    rows.put(Storage.rowKey(e, idKey, lsn), RowCodec.encode(e.fieldIds, state, fields));
    if (state == RowCodec.LIVE) {
      for (IndexInfo ix : e.indexes) {
        putIndexEntry(Storage.indexKey(ix, Storage.indexValues(ix, fields), idKey));
      }
    }
  }

  /** Writes the changelog entry of {@code set}: the last write of a change set. */
  void putChangeSet(ChangeSet set) {
    putChangeSet(set.lsn(), ChangeSetCodec.encode(set));
  }

  /** Like {@link #putChangeSet(ChangeSet)}, with the change set encoded already. */
  void putChangeSet(long lsn, byte[] encoded) {
    changelog.put(lsn, encoded);
  }

  void putIndexEntry(byte[] key) {
    idx.put(key, Storage.EMPTY);
  }

  /** Adds {@code delta} (entity id → live rows gained or lost) to the live counts. */
  void addToCounts(Map<Integer, Long> delta) {
    delta.forEach((id, d) -> setCount(id, metaLong(COUNT + id, 0) + d));
  }

  void setCount(int entityId, long n) {
    putMetaLong(COUNT + entityId, n);
  }

  /**
   * Compaction removes every version of a deleted row: remembers its id when it is the largest
   * removed so far, so that {@link #largestIdentityHeld} still counts it and an assigned id is
   * never given again.
   */
  void rememberRemovedIdentity(EntityInfo e, byte[] idKey) {
    ValueType t = e.identity.type().base();
    if (t != ValueType.INT32 && t != ValueType.INT64) {
      return;
    }
    long id = KeyCodec.decode(idKey).asLong();
    String key = REMOVED_ID + e.id;
    String old = meta.map().get(key);
    if (old == null || Long.parseLong(old) < id) {
      meta.put(key, Long.toString(id));
    }
  }
}

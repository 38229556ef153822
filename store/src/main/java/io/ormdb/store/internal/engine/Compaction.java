package io.ormdb.store.internal.engine;

import io.ormdb.store.StoreConfig;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.Catalog.IndexInfo;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.codec.ByteKeys;
import io.ormdb.store.internal.codec.ChangeSetCodec;
import io.ormdb.store.internal.codec.RowCodec;
import io.ormdb.store.internal.codec.RowCodec.RowData;
import io.ormdb.store.internal.journal.OffsetMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Space management, on the committer thread in slices between commit groups: removes the row
 * versions and index entries no retained view needs (older than {@code historyRetention}), and the
 * changelog entries older than {@code changelogRetention} (that named consumers no longer hold).
 */
final class Compaction {
  /** Row entries (or changelog entries) one slice handles at most. */
  private static final int SLICE = 2000;

  private final StoreConfig config;
  private final Tables tables;
  private final CatalogHistory catalogs;
  private final Positions at;
  private final OffsetMap offsets;
  private final AtomicLong versionsRemoved = new AtomicLong();

  Compaction(
      StoreConfig config, Tables tables, CatalogHistory catalogs, Positions at, OffsetMap offsets) {
    this.config = config;
    this.tables = tables;
    this.catalogs = catalogs;
    this.at = at;
    this.offsets = offsets;
  }

  /** Where one compaction pass stands between its slices. */
  static final class Pass {
    private long horizon = -1;
    private long logHorizon = -1;
    private long logResume;
    private byte[] resume;
    private long removed;

    /** The row versions this pass removed. */
    long removed() {
      return removed;
    }
  }

  /** Row versions removed since the store was opened. */
  long versionsRemoved() {
    return versionsRemoved.get();
  }

  /** The newest LSN committed at or before now minus the retention window. */
  private long horizon() {
    long target = WritePath.currentMicros() - config.historyRetention().toNanos() / 1000;
    return lastCommittedBefore(
        target, Math.max(Math.max(at.oldestRetained, at.oldestLog), 1), at.last, at.oldestRetained);
  }

  /** Compacts the next slice of {@code c}; true when the pass is complete. */
  boolean slice(Pass c) {
    if (!truncateChangelogSlice(c)) {
      return false;
    }
    if (c.horizon < 0) {
      c.horizon = horizon();
      if (c.horizon > at.oldestRetained) {
        at.oldestRetained = c.horizon; // before removing anything: views below it are refused
        tables.putMetaLong(Tables.OLDEST, c.horizon);
      }
      c.resume = new byte[0];
    }
    Catalog cat = catalogs.latest();
    if (cat == null) {
      return true;
    }
    long h = c.horizon;
    Iterator<byte[]> it = tables.rows.map().keyIterator(c.resume);
    List<byte[]> group = new ArrayList<>();
    int processed = 0;
    byte[] groupKey = null;
    while (it.hasNext()) {
      byte[] k = it.next();
      byte[] g = Storage.groupOf(k);
      if (groupKey != null && !Arrays.equals(g, groupKey)) {
        compactGroup(cat, group, h, c);
        group.clear();
        if (processed >= SLICE) {
          c.resume = k;
          return false;
        }
      }
      groupKey = g;
      group.add(k);
      processed++;
    }
    if (!group.isEmpty()) {
      compactGroup(cat, group, h, c);
    }
    return true;
  }

  private void compactGroup(Catalog cat, List<byte[]> group, long h, Pass c) {
    if (group.size() == 1 && Storage.lsnOf(group.get(0)) > h) {
      return;
    }
    EntityInfo e = cat.entitiesById.get(readInt(group.get(0)));
    if (e == null) {
      return;
    }
    List<byte[]> remove = new ArrayList<>();
    List<RowData> kept = new ArrayList<>();
    List<RowData> removed = new ArrayList<>();
    boolean seenAtHorizon = false;
    for (byte[] k : group) {
      long lsn = Storage.lsnOf(k);
      byte[] stored = tables.rows.map().get(k);
      RowData r = RowCodec.decode(e.layout(), stored, lsn);
      if (lsn > h) {
        kept.add(r);
      } else if (!seenAtHorizon) {
        seenAtHorizon = true;
        if (r.state() == RowCodec.DELETED) {
          remove.add(k);
          removed.add(r);
        } else {
          kept.add(r);
        }
      } else {
        remove.add(k);
        removed.add(r);
      }
    }
    if (remove.isEmpty()) {
      return;
    }
    byte[] idKey = Storage.idKeyOf(group.get(0));
    Set<ByteKeys.Key> keep = new HashSet<>();
    for (RowData r : kept) {
      if (r.live()) {
        for (IndexInfo ix : e.indexes) {
          keep.add(
              new ByteKeys.Key(Storage.indexKey(ix, Storage.indexValues(ix, r.fields()), idKey)));
        }
      }
    }
    for (RowData r : removed) {
      if (r.live()) {
        for (IndexInfo ix : e.indexes) {
          byte[] k = Storage.indexKey(ix, Storage.indexValues(ix, r.fields()), idKey);
          if (!keep.contains(new ByteKeys.Key(k))) {
            tables.idx.remove(k);
          }
        }
      }
    }
    if (remove.size() == group.size()) {
      tables.rememberRemovedIdentity(e, idKey);
    }
    for (byte[] k : remove) {
      tables.rows.remove(k);
    }
    c.removed += remove.size();
    versionsRemoved.addAndGet(remove.size());
  }

  private static int readInt(byte[] b) {
    return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }

  // ---------------------------------------------------------------------------------------------
  // changelog retention

  /** The newest changelog LSN (below the newest entry) committed at or before {@code micros}. */
  private long lastCommittedBefore(long micros) {
    return lastCommittedBefore(micros, at.oldestLog, at.last - 1, at.oldestLog - 1);
  }

  /**
   * The newest LSN in {@code [lo, hi]} whose change set was committed at or before {@code micros}
   * (commit times grow with the LSN), or {@code none}. An LSN in the hole between two history
   * epochs counts as committed when the change set before it was.
   */
  private long lastCommittedBefore(long micros, long lo, long hi, long none) {
    long best = none;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      if (commitTsAtOrBefore(mid) <= micros) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
  }

  /** The commit time of the change set at {@code lsn}, or of the newest before it in a hole. */
  private long commitTsAtOrBefore(long lsn) {
    byte[] b = tables.changelog.map().get(lsn);
    if (b == null) {
      Long before = tables.changelog.map().floorKey(lsn);
      b = before == null ? null : tables.changelog.map().get(before);
    }
    return b == null ? Long.MIN_VALUE : ChangeSetCodec.commitTs(b);
  }

  private static long micros(Duration d) {
    return Math.min(d.toMillis(), Long.MAX_VALUE / 1000) * 1000;
  }

  /**
   * Removes, in slices, the changelog entries committed more than {@code changelogRetention} ago
   * (and, for entries a named consumer has not committed past, more than {@code consumerHold} after
   * that) (never the newest entry: recovery reads it). Publishes the new oldest LSN before
   * removing, so a reader either sees it and fails with INVALID_LSN or reads entries that are still
   * there. True when this pass's truncation is complete.
   */
  private boolean truncateChangelogSlice(Pass c) {
    if (config.keepsWholeChangelog() || at.last <= 1) {
      return true;
    }
    if (c.logHorizon < 0) {
      long now = WritePath.currentMicros();
      long best = lastCommittedBefore(now - micros(config.changelogRetention()));
      long needed = config.consumerHold().isZero() ? Long.MAX_VALUE : offsets.oldestNeeded();
      if (needed <= best) {
        // named consumers hold what they still need, up to the hold past the retention
        Duration hold = config.changelogRetention().plus(config.consumerHold());
        best = Math.max(needed - 1, lastCommittedBefore(now - micros(hold)));
      }
      c.logHorizon = best;
      if (best + 1 > at.oldestLog) {
        long from = at.oldestLog;
        at.oldestLog = best + 1;
        tables.putMetaLong(Tables.OLDEST_LOG, best + 1);
        c.logResume = from;
      } else {
        c.logResume = best + 1;
      }
    }
    // the entries that are there (the hole between two history epochs has none), a slice at a time
    long end = c.logHorizon + 1;
    int removed = 0;
    Long l = tables.changelog.map().ceilingKey(c.logResume);
    while (l != null && l < end && removed < SLICE) {
      tables.changelog.remove(l);
      removed++;
      l = tables.changelog.map().higherKey(l);
    }
    c.logResume = l == null || l >= end ? end : l;
    return c.logResume >= end;
  }
}

package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.codec.ChangeSetCodec;
import io.ormdb.store.internal.file.StoreFile;
import io.ormdb.store.view.ReadView;
import java.util.ArrayList;
import java.util.List;
import org.h2.mvstore.MVStore;

/**
 * Reads of published state on any thread: read views at a retained LSN and changelog entries. A
 * view pins the map roots; if compaction raised the oldest retained LSN past it meanwhile, it is
 * opened again (newest) or refused (as of an LSN). Changelog reads skip the holes between history
 * epochs ({@link History}); a read that starts after, or a view at, an LSN a recovery discarded is
 * refused with INVALID_LSN saying where the history diverged.
 */
final class Reads {
  private final StoreFile file;
  private final Tables tables;
  private final CatalogHistory catalogs;
  private final Positions at;
  private final History history;

  Reads(StoreFile file, Tables tables, CatalogHistory catalogs, Positions at, History history) {
    this.file = file;
    this.tables = tables;
    this.catalogs = catalogs;
    this.at = at;
    this.history = history;
  }

  /** A view at the newest published LSN. */
  ReadView snapshot() {
    while (true) {
      ReadView v = tryOpenView(at.visible, KeyOwner.ALL);
      if (v != null) {
        return v;
      }
    }
  }

  /** A view at {@code lsn} of the rows {@code owner} owns; INVALID_LSN when it is not retained. */
  ReadView snapshotAt(long lsn, KeyOwner owner) {
    long newest = at.visible;
    History.Epoch hole = history.holeOf(lsn);
    if (hole != null) {
      throw History.diverged(lsn, hole, "a read as of LSN " + lsn);
    }
    if (lsn < at.oldestRetained || lsn > newest) {
      throw invalidLsn(lsn, newest);
    }
    ReadView v = tryOpenView(lsn, owner);
    if (v == null) {
      throw invalidLsn(lsn, at.visible);
    }
    return v;
  }

  private OrmDbException invalidLsn(long lsn, long newest) {
    return new OrmDbException(
        ErrorCode.INVALID_LSN,
        "lsn "
            + lsn
            + " is not available: the oldest available LSN is "
            + at.oldestRetained
            + " and the newest is "
            + newest);
  }

  private ReadView tryOpenView(long lsn, KeyOwner owner) {
    MVStore.TxCounter counter = file.pin();
    Snapshot s = new Snapshot(file, tables, lsn, catalogs.at(lsn), counter, owner);
    if (lsn < at.oldestRetained) { // compaction began before the roots were pinned
      s.close();
      return null;
    }
    return s;
  }

  /** Up to {@code maxEntries} published change sets from {@code fromLsnInclusive}. */
  List<ChangeSet> changes(long fromLsnInclusive, int maxEntries) {
    if (maxEntries <= 0) {
      throw OrmDbException.invalid("maxEntries must be > 0 but is " + maxEntries);
    }
    long newest = at.visible;
    long from = Math.max(1, fromLsnInclusive);
    // reading from an LSN means having read the one before it
    if (from > newest + 1 || history.holeOf(from - 1) != null) {
      history.checkSeen(from - 1, newest, "a changelog read from LSN " + from);
      throw invalidLsn(from, newest);
    }
    from = history.skipHoles(from);
    checkRetained(from);
    List<ChangeSet> out = new ArrayList<>();
    for (long l = from; l <= newest && out.size() < maxEntries; l = history.skipHoles(l + 1)) {
      byte[] b = tables.changelog.map().get(l);
      if (b == null) {
        checkRetained(l); // truncated meanwhile
        throw OrmDbException.internal("changelog entry " + l + " is missing", null);
      }
      out.add(ChangeSetCodec.decode(l, b));
    }
    return out;
  }

  private void checkRetained(long lsn) {
    long oldest = at.oldestLog;
    if (lsn < oldest) {
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "the changelog from lsn "
              + lsn
              + " is no longer retained: the oldest available LSN is "
              + oldest
              + " and the newest is "
              + at.visible);
    }
  }
}

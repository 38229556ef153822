package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.RecoveryReport;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.codec.ChangeSetCodec;
import io.ormdb.store.internal.file.StoreFile;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Opening a store: finds where it stands from the changelog and {@code meta}, after removing the
 * row versions of a change set that was being written when the process died; and, when the log's
 * replay lost change sets that may have been acknowledged, starts a new history epoch.
 */
final class Recovery {
  private Recovery() {}

  /**
   * Removes row versions of a batch that was being written when the process died: everything with
   * an LSN above the last changelog entry (the changelog entry is the batch's last write); then
   * recounts the live rows. Returns the store's positions.
   */
  static Positions recover(StoreFile file, Tables tables, CatalogHistory catalogs) {
    Positions at = new Positions();
    at.last = tables.changelog.map().isEmpty() ? 0 : tables.changelog.map().lastKey();
    if (tables.metaLong(Tables.APPLYING, 0) > at.last) {
      if (file.isReadOnly()) {
        throw new OrmDbException(
            ErrorCode.STORAGE_UNAVAILABLE,
            "database file "
                + file.file()
                + " cannot be opened read-only: it holds part of change set "
                + tables.metaLong(Tables.APPLYING, 0)
                + ", which was being written when the store stopped; open it writable once to"
                + " remove it");
      }
      List<byte[]> stale = new ArrayList<>();
      for (Iterator<byte[]> it = tables.rows.map().keyIterator(null); it.hasNext(); ) {
        byte[] k = it.next();
        if (Storage.lsnOf(k) > at.last) {
          stale.add(k);
        }
      }
      stale.forEach(tables.rows::remove);
      recount(tables, catalogs.latest());
      tables.putMetaLong(Tables.APPLYING, at.last);
      file.commit();
      file.sync();
    }
    if (at.last > 0) {
      at.lastTs = ChangeSetCodec.commitTs(tables.changelog.map().get(at.last));
    }
    at.oldestRetained = tables.metaLong(Tables.OLDEST, 0);
    at.visible = at.last;
    at.oldestLog = tables.metaLong(Tables.OLDEST_LOG, 1);
    return at;
  }

  private static void recount(Tables tables, Catalog cat) {
    if (cat == null) {
      return;
    }
    for (EntityInfo e : cat.entities.values()) {
      long n = 0;
      for (Iterator<Storage.Keyed> it = tables.scanLatest(e); it.hasNext(); it.next()) {
        n++;
      }
      tables.setCount(e.id, n);
    }
  }

  private static final System.Logger LOG = System.getLogger("io.ormdb.store");

  /** What the open recovered; logs a warning when it could not use all of the log. */
  static RecoveryReport report(
      StoreFile file, WriteAheadLog.OpenReport r, History history, Positions at, boolean started) {
    History.Epoch e = history.current();
    RecoveryReport report =
        r == null
            ? new RecoveryReport(0, at.last, 0, null, e.number(), e.firstLsn(), false, "")
            : new RecoveryReport(
                r.replayedRecords(),
                at.last,
                r.ignoredBytes(),
                r.tornFile(),
                e.number(),
                e.firstLsn(),
                started,
                r.damage() == null ? "" : r.damage());
    report.warning().ifPresent(w -> LOG.log(System.Logger.Level.WARNING, file.file() + ": " + w));
    return report;
  }

  /**
   * Starts a new history epoch when the open lost change sets that may have been acknowledged and
   * read (returns it; null when none is due). A primary only: a replica's LSNs are its primary's,
   * and what it lost it receives again, the same change sets at the same LSNs.
   *
   * <p>Due when replay stopped at damage ({@code NEWEST_INTACT}) and also when the log merely ended
   * in bytes it could not use: a record cut short by a crash was never acknowledged, but a damaged
   * last record (zeroed, truncated or overwritten after it was synced) may have been, and the two
   * cannot be told apart. Starting an epoch costs a hole in the LSNs; not starting one could give
   * an LSN that a consumer read to another change set.
   *
   * <p>The first LSN of the new epoch is past every LSN that may have been handed out: past the
   * newest LSN the log and the file mention, and past the reservation of the file's checkpoint
   * ({@link WriteAheadLog#RESERVED}), which no acknowledged LSN passes. When the file's checkpoint
   * itself is not the newest (the file went back to an older state, segments are missing or
   * damaged), one more reservation ({@link WriteAheadLog#RESERVE}) is added past the newest LSN
   * seen: the reservation in force while the lost part of the log was written was at most that far
   * past its start.
   */
  static History.Epoch startEpochIfLost(
      WriteAheadLog.OpenReport r, History history, Tables tables, Positions at) {
    if (r == null || !r.lostTail()) {
      return null;
    }
    long base = Math.max(Math.max(at.last, r.newestSeen()), history.current().firstLsn() - 1);
    boolean trusted = r.damage() == null && r.reserved() > 0;
    long first =
        trusted
            ? Math.max(base, r.reserved()) + 1
            : Math.max(base, r.reserved()) + WriteAheadLog.RESERVE + 1;
    History.Epoch e = history.begin(tables.meta, at.last, first);
    at.epochStart = first;
    return e;
  }
}

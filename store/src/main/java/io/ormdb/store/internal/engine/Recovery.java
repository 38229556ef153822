package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
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
 * row versions of a change set that was being written when the process died.
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
}

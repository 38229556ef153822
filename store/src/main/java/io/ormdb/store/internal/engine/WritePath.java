package io.ormdb.store.internal.engine;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.codec.RowCodec;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a batch on the committer thread: gives it the next LSN and commit time, runs it in a
 * {@link WriteTx} (nothing is written while it runs), then writes its net changes — row versions,
 * index entries, live counts and, last, the changelog entry.
 */
final class WritePath {
  private final Tables tables;
  private final CatalogHistory catalogs;
  private final Positions at;
  private final int maxValueBytes;

  WritePath(Tables tables, CatalogHistory catalogs, Positions at, int maxValueBytes) {
    this.tables = tables;
    this.catalogs = catalogs;
    this.at = at;
    this.maxValueBytes = maxValueBytes;
  }

  /**
   * Applies {@code batch}; a batch that fails writes nothing and throws an OrmDbException (a
   * failure while writing its changes breaks the store instead).
   */
  MutationResult apply(MutationBatch batch) {
    Catalog cat = catalogs.latest();
    if (cat == null) {
      throw OrmDbException.invalid("no schema has been applied yet");
    }
    long lsn = at.next();
    long ts = Math.max(at.lastTs + 1, currentMicros());
    WriteTx tx = new WriteTx(tables, cat, lsn, ts, maxValueBytes);
    List<ChangeEvent> events;
    try {
      tx.run(batch);
      events = tx.events(cat.version);
    } catch (OrmDbException e) {
      throw e;
    } catch (RuntimeException e) {
      throw OrmDbException.internal("batch failed: " + e, e);
    } catch (StackOverflowError e) {
      // nothing left the batch's private overlay: refuse it and keep the committer thread alive
      throw OrmDbException.stackOverflow(e);
    }
    if (events.isEmpty()) {
      // nothing to commit: no LSN, no changelog entry; the result names the state it read
      return new MutationResult(at.last, 0, tx.insertedIds);
    }
    write(tx, events, cat, lsn, ts);
    at.advance(lsn, ts);
    return new MutationResult(lsn, events.size(), tx.insertedIds);
  }

  static long currentMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  private void write(WriteTx tx, List<ChangeEvent> events, Catalog cat, long lsn, long ts) {
    tables.putMetaLong(Tables.APPLYING, lsn);
    Map<Integer, Long> delta = new HashMap<>();
    for (WriteTx.Touched t : tx.eventRows) {
      int state = t.after == null ? RowCodec.DELETED : t.after.state();
      Map<String, Value> fields = t.after == null ? Map.of() : t.after.fields();
      tables.putVersion(t.e, t.idKey, lsn, state, fields);
      boolean wasLive = t.before != null && t.before.live();
      boolean isLive = state == RowCodec.LIVE;
      if (wasLive != isLive) {
        delta.merge(t.e.id, isLive ? 1L : -1L, Long::sum);
      }
    }
    tables.addToCounts(delta);
    tables.putChangeSet(new ChangeSet(lsn, lsn, cat.version, ts, events));
  }
}

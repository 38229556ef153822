package io.ormdb.store.internal.engine;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.codec.ChangeSetCodec;
import io.ormdb.store.internal.codec.KeyCodec;
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
    List<WriteTx.Change> changes;
    try {
      tx.run(batch);
      changes = tx.changes();
    } catch (OrmDbException e) {
      throw e;
    } catch (RuntimeException e) {
      throw OrmDbException.internal("batch failed: " + e, e);
    } catch (StackOverflowError e) {
      // nothing left the batch's private overlay: refuse it and keep the committer thread alive
      throw OrmDbException.stackOverflow(e);
    }
    if (changes.isEmpty()) {
      // nothing to commit: no LSN, no changelog entry; the result names the state it read
      return new MutationResult(at.last, 0, tx.insertedIds, tx.namedIds);
    }
    write(changes, cat, lsn, ts);
    at.advance(lsn, ts);
    return new MutationResult(lsn, changes.size(), tx.insertedIds, tx.namedIds);
  }

  /**
   * The identity a change's event names: the row's own value where its key encoding gives it back
   * exactly (integers, uuids, strings), else the value decoded from the key, as always.
   */
  private static Value id(WriteTx.Touched t, WriteTx.Change c) {
    ValueType type = t.e.identity.type().base();
    if (type == ValueType.INT64
        || type == ValueType.INT32
        || type == ValueType.UUID
        || type == ValueType.STRING) {
      Value v = (c.op() == ChangeEvent.Op.DELETE ? c.before() : c.after()).get(t.e.identity.name());
      if (v != null && v.type() == type) {
        return v;
      }
    }
    return KeyCodec.decode(t.idKey);
  }

  static long currentMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  private void write(List<WriteTx.Change> changes, Catalog cat, long lsn, long ts) {
    tables.putMetaLong(Tables.APPLYING, lsn);
    ChangeSetCodec.Writer changeSet =
        new ChangeSetCodec.Writer(lsn, cat.version, ts, changes.size());
    Map<Integer, Long> delta = new HashMap<>();
    Catalog.EntityInfo counted = null;
    long count = 0;
    for (WriteTx.Change c : changes) {
      WriteTx.Touched t = c.row();
      int state = t.after == null ? RowCodec.DELETED : t.after.state();
      Map<String, Value> fields = t.after == null ? Map.of() : t.after.fields();
      tables.putVersion(t.e, t.idKey, lsn, state, fields);
      boolean wasLive = t.before != null && t.before.live();
      boolean isLive = state == RowCodec.LIVE;
      if (wasLive != isLive) {
        // runs of one entity (a batch's inserts) are summed before they go into the map
        if (t.e != counted) {
          if (counted != null) {
            delta.merge(counted.id, count, Long::sum);
          }
          counted = t.e;
          count = 0;
        }
        count += isLive ? 1 : -1;
      }
      changeSet.event(t.e.name(), id(t, c), c.op(), c.before(), c.after(), c.changedFields());
    }
    if (counted != null) {
      delta.merge(counted.id, count, Long::sum);
    }
    tables.addToCounts(delta);
    tables.putChangeSet(lsn, changeSet.toBytes());
  }
}

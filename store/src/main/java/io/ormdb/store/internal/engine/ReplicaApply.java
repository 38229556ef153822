package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.RowCodec;
import io.ormdb.store.internal.file.StoreFile;
import java.util.HashMap;
import java.util.Map;

/**
 * A replica applies, on the committer thread, what its primary committed: change sets at the
 * primary's LSNs with their after images (no constraint checks: the primary made them), schema
 * versions after the LSNs at which the primary applied them, and the primary's history epochs
 * ({@link History}), so that it skips the same holes.
 */
final class ReplicaApply {
  private final Tables tables;
  private final CatalogHistory catalogs;
  private final Positions at;
  private final SchemaApply schemas;
  private final History history;

  ReplicaApply(
      Tables tables, CatalogHistory catalogs, Positions at, SchemaApply schemas, History history) {
    this.tables = tables;
    this.catalogs = catalogs;
    this.at = at;
    this.schemas = schemas;
    this.history = history;
  }

  /**
   * Applies {@code set}; one at or below the last applied LSN is skipped, a gap or another schema
   * version fails with INVALID_LSN and writes nothing. Returns the last applied LSN.
   */
  long apply(ChangeSet set) {
    long lsn = set.lsn();
    if (lsn <= at.last) {
      return at.last;
    }
    long next = history.skipHoles(at.last + 1);
    if (lsn != next) {
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "replicated change set "
              + lsn
              + " does not follow the last applied LSN "
              + at.last
              + (next == at.last + 1 ? "" : " (the next LSN of this history is " + next + ")"));
    }
    Catalog cat = catalogs.latest();
    long have = cat == null ? 0 : cat.version;
    if (have != set.schemaVersion()) {
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "replicated change set "
              + lsn
              + " was written with schema version "
              + set.schemaVersion()
              + " but the replica has version "
              + have);
    }
    tables.putMetaLong(Tables.APPLYING, lsn);
    Map<Integer, Long> delta = new HashMap<>();
    for (ChangeEvent ev : set.events()) {
      EntityInfo e = cat.entity(ev.entity());
      boolean live = ev.op() != ChangeEvent.Op.DELETE;
      Map<String, Value> fields = live ? ev.after() : Map.of();
      tables.putVersion(
          e, KeyCodec.encode(ev.id()), lsn, live ? RowCodec.LIVE : RowCodec.DELETED, fields);
      if (ev.op() == ChangeEvent.Op.CREATE) {
        delta.merge(e.id, 1L, Long::sum);
      } else if (ev.op() == ChangeEvent.Op.DELETE) {
        delta.merge(e.id, -1L, Long::sum);
      }
    }
    tables.addToCounts(delta);
    tables.putChangeSet(set);
    at.advance(lsn, set.commitTsMicros());
    return lsn;
  }

  /**
   * Records the primary's history epoch {@code number} (first LSN {@code firstLsn}, continuing
   * after {@code lastKept}): from then on the next change set is expected at {@code firstLsn} once
   * the replica has applied {@code lastKept}, and the replica's own changelog reads skip the same
   * hole. One the replica has is skipped (false); INVALID_LSN, with nothing written, when the
   * replica has applied a change set the epoch discarded or holds another history.
   */
  boolean applyEpoch(int number, long firstLsn, long lastKept) {
    boolean recorded = history.follow(tables.meta, number, firstLsn, lastKept, at.last);
    if (recorded) {
      at.epochStart = firstLsn;
    }
    return recorded;
  }

  /**
   * Applies the primary's schema {@code version}, which the primary applied after LSN {@code
   * appliedAtLsn} (the replica must be exactly there); a version the replica has is skipped. Also
   * records the primary's database id, and refuses another primary's.
   */
  long applySchema(String primaryId, long version, long appliedAtLsn, SchemaBundle bundle) {
    String id = tables.meta.map().get(StoreFile.DATABASE_ID);
    if (id == null) {
      tables.meta.put(StoreFile.DATABASE_ID, primaryId);
    } else if (!id.equals(primaryId)) {
      throw OrmDbException.invalid("this replica follows database " + id + ", not " + primaryId);
    }
    Catalog old = catalogs.latest();
    long have = old == null ? 0 : old.version;
    if (version <= have) {
      return version;
    }
    if (version != have + 1 || appliedAtLsn != at.last) {
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "replicated schema version "
              + version
              + " applies after LSN "
              + appliedAtLsn
              + " but the replica is at version "
              + have
              + ", LSN "
              + at.last);
    }
    schemas.install(
        old,
        Catalog.compile(
            bundle.withVersion(version),
            appliedAtLsn,
            old == null ? Catalog.Ids.empty() : old.ids));
    return version;
  }
}

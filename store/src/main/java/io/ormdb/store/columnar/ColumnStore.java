package io.ormdb.store.columnar;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.store.columnar.internal.ColumnAggregator;
import io.ormdb.store.columnar.internal.EntityColumns;
import io.ormdb.store.query.AggregateSource;
import io.ormdb.store.query.ColumnBatch;
import io.ormdb.store.query.internal.RowScanAggregateSource;
import io.ormdb.store.view.ReadView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An {@link AggregateSource} that answers aggregates from per-entity column segments and falls back
 * to the row scan when it cannot.
 *
 * <p>Each entity's columns are built at its first aggregate from a scan of that aggregate's view,
 * then kept up to date by replaying the changelog in LSN order: before serving a view at LSN {@code
 * L} newer than what the columns have applied, the store reads the change sets since then (for all
 * built entities at once). Every row version is a slot with the LSN that created it and the one
 * that deleted it, so one column state serves every view between its base and its newest applied
 * LSN, and aggregates at different snapshots run concurrently without locks; only the catch-up
 * itself is serialized.
 *
 * <p>An aggregate falls back to the row scan (see {@link #rowScanAggregates()}) when its view is
 * older than the columns' base (an as-of read before they were built or compacted), when the
 * entity's columns describe another schema than the view's (they are rebuilt from the first newer
 * view), or when a stored value does not fit its column. Results are identical either way.
 *
 * <p>Dead slots (deleted at or before the oldest retained LSN) are dropped during a catch-up once
 * they are the majority of an entity's slots. The columns live in memory only.
 */
public final class ColumnStore implements AggregateSource {
  /** How many change sets a catch-up reads at a time. */
  private static final int CATCH_UP_CHUNK = 512;

  /** Don't compact entities with fewer slots than this. */
  private static final int COMPACT_MIN_SLOTS = 4096;

  /** The store's changelog and schema history, as the column store reads them. */
  public interface Changelog {
    /** Up to {@code max} committed change sets from {@code fromLsn}, in LSN order. */
    List<ChangeSet> changes(long fromLsn, int max);

    /** The oldest LSN a view can still be opened at. */
    long oldestRetainedLsn();

    /** The schema of version {@code version}. */
    SchemaBundle schemaAt(long version);
  }

  private final Changelog changelog;
  private final RowScanAggregateSource rowScan = new RowScanAggregateSource();
  private final Map<String, EntityColumns> entities = new ConcurrentHashMap<>();
  private final Object maintenance = new Object();
  private final AtomicLong columnar = new AtomicLong();
  private final AtomicLong rowScans = new AtomicLong();
  private final AtomicLong rebuilds = new AtomicLong();

  public ColumnStore(Changelog changelog) {
    this.changelog = changelog;
  }

  /** Aggregates answered from columns. */
  public long columnarAggregates() {
    return columnar.get();
  }

  /** Aggregates answered by scanning rows. */
  public long rowScanAggregates() {
    return rowScans.get();
  }

  /** Entity column sets built from a scan (first use, schema change, or a broken replay). */
  public long builds() {
    return rebuilds.get();
  }

  /**
   * How many row versions the columns of {@code entity} hold (live and not yet compacted away); 0
   * when they are not built.
   */
  public int slots(String entity) {
    EntityColumns ec = entities.get(entity);
    return ec == null ? 0 : ec.published().size();
  }

  @Override
  public void scan(
      ReadView view,
      EntityDef entity,
      Filter filter,
      List<String> columns,
      Consumer<ColumnBatch> sink) {
    rowScans.incrementAndGet();
    rowScan.scan(view, entity, filter, columns, sink);
  }

  @Override
  public Optional<AggregateResult> tryAggregate(
      ReadView view, EntityDef entity, AggregateQuery q, Filter boundFilter) {
    long lsn = view.lsn();
    EntityColumns ec = entities.get(entity.name());
    EntityColumns.Published p = ec == null ? null : ec.published();
    if (p == null || lsn < p.base() || lsn > p.lsn() || !describes(ec, view)) {
      ec = prepare(view, entity);
      if (ec == null) {
        return Optional.empty();
      }
      p = ec.published();
    }
    AggregateResult r = ColumnAggregator.run(ec, p, lsn, entity, q, boundFilter);
    columnar.incrementAndGet();
    return Optional.of(r);
  }

  /** Columns of {@code entity} that can serve {@code view}, building or catching up; or null. */
  private EntityColumns prepare(ReadView view, EntityDef entity) {
    long lsn = view.lsn();
    synchronized (maintenance) {
      EntityColumns ec = entities.get(entity.name());
      if (ec != null && lsn > ec.published().lsn() && !ec.stale()) {
        catchUp(lsn);
        ec = entities.get(entity.name());
      }
      if (ec != null) {
        EntityColumns.Published p = ec.published();
        if (lsn >= p.base() && lsn <= p.lsn() && describes(ec, view)) {
          return ec;
        }
        if (lsn < p.lsn()) {
          return null; // an older view: keep the columns for newer ones
        }
      }
      // first use, or the columns describe another schema, or fell behind for good
      try {
        EntityColumns built = EntityColumns.build(view, entity);
        rebuilds.incrementAndGet();
        entities.put(entity.name(), built);
        return built;
      } catch (RuntimeException e) {
        entities.remove(entity.name());
        return null;
      }
    }
  }

  /** Whether the columns hold the entity as the view's schema declares it, with the same data. */
  private boolean describes(EntityColumns ec, ReadView view) {
    long v = view.schema().version();
    if (v == ec.schemaVersion()) {
      return true;
    }
    EntityDef def = view.schema().entity(ec.def().name()).orElse(null);
    if (def == null || !signature(def).equals(signature(ec.def()))) {
      return false;
    }
    return sameColumnsBetween(ec.def(), ec.schemaVersion(), v);
  }

  /**
   * Whether every schema version between {@code a} and {@code b} declares {@code def}'s fields
   * alike (a field dropped and added again in between reads differently).
   */
  private boolean sameColumnsBetween(EntityDef def, long a, long b) {
    List<Object> sig = signature(def);
    for (long v = Math.min(a, b) + 1; v < Math.max(a, b); v++) {
      SchemaBundle s;
      try {
        s = changelog.schemaAt(v);
      } catch (RuntimeException e) {
        continue; // versions need not be dense
      }
      EntityDef d = s.entity(def.name()).orElse(null);
      if (d == null || !signature(d).equals(sig)) {
        return false;
      }
    }
    return true;
  }

  /** What determines the stored data of an entity: field names, types and defaults. */
  private static List<Object> signature(EntityDef def) {
    List<Object> out = new ArrayList<>();
    out.add(def.identityField());
    for (FieldDef f : def.fields()) {
      out.add(Arrays.asList(f.name(), f.type(), f.defaultValue()));
    }
    return out;
  }

  /** Applies the changelog to every maintained entity until at least {@code target}. */
  private void catchUp(long target) {
    List<EntityColumns> all = new ArrayList<>(entities.values());
    long from = Long.MAX_VALUE;
    for (EntityColumns ec : all) {
      if (!ec.stale()) {
        from = Math.min(from, ec.appliedLsn() + 1);
      }
    }
    if (from > target) {
      return;
    }
    Map<String, Boolean> versionOk = new java.util.HashMap<>();
    while (true) {
      List<ChangeSet> batch;
      try {
        batch = changelog.changes(from, CATCH_UP_CHUNK);
      } catch (io.ormdb.protocol.OrmDbException e) {
        if (e.code() != io.ormdb.protocol.ErrorCode.INVALID_LSN) {
          throw e;
        }
        // the changelog was truncated past these columns: rebuild them from the next view
        all.forEach(EntityColumns::markStale);
        return;
      }
      for (ChangeSet cs : batch) {
        for (EntityColumns ec : all) {
          if (ec.stale() || ec.appliedLsn() >= cs.lsn()) {
            continue;
          }
          if (cs.schemaVersion() != ec.schemaVersion()
              && !versionOk.computeIfAbsent(
                  cs.schemaVersion() + "/" + ec.def().name(),
                  k -> sameSchema(ec, cs.schemaVersion()))) {
            ec.markStale();
            continue;
          }
          if (!applyEvents(ec, cs)) {
            ec.markStale();
            continue;
          }
          ec.advance(cs.lsn());
        }
      }
      if (batch.size() < CATCH_UP_CHUNK || batch.get(batch.size() - 1).lsn() >= target) {
        break; // caught up far enough: don't chase writers that keep committing
      }
      from = batch.get(batch.size() - 1).lsn() + 1;
    }
    long oldest = changelog.oldestRetainedLsn();
    for (EntityColumns ec : all) {
      ec.publish();
      long horizon = Math.min(oldest, ec.appliedLsn());
      if (!ec.stale()
          && ec.size() >= COMPACT_MIN_SLOTS
          && ec.deadSlots() * 2 > ec.size()
          && horizon > ec.published().base()) {
        entities.put(ec.def().name(), ec.compacted(horizon));
      }
    }
  }

  private boolean sameSchema(EntityColumns ec, long version) {
    try {
      EntityDef d = changelog.schemaAt(version).entity(ec.def().name()).orElse(null);
      return d != null
          && signature(d).equals(signature(ec.def()))
          && sameColumnsBetween(ec.def(), ec.schemaVersion(), version);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static boolean applyEvents(EntityColumns ec, ChangeSet cs) {
    String name = ec.def().name();
    try {
      for (ChangeEvent e : cs.events()) {
        if (e.entity().equals(name) && !ec.apply(e)) {
          return false;
        }
      }
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}

package io.ormdb.store.columnar;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.columnar.internal.ColumnAggregator;
import io.ormdb.store.columnar.internal.ColumnCheckpoint;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
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
 * they are the majority of an entity's slots.
 *
 * <p>With {@link Checkpoints} (a store with a file), the columns are also checkpointed into the
 * store file, through the store's writer thread and in slices between its commit groups: an
 * entity's columns right after they are built from a scan or compacted, then when they advanced
 * 4,096 change sets or 60 seconds since their last checkpoint (checked when a catch-up runs), and
 * on {@link #checkpoint()} (the store calls it when it closes). Only segments that changed since
 * the entity's previous checkpoint are written. A checkpoint is consistent as of the columns'
 * applied LSN. At an entity's first aggregate after a restart, its checkpoint is loaded and caught
 * up from the changelog instead of scanning rows; a checkpoint that is unreadable, of another
 * schema or otherwise unusable is ignored (counted in {@link #checkpointFailures()}) and the
 * columns are built from a scan.
 */
public final class ColumnStore implements AggregateSource {
  /** How many change sets a catch-up reads at a time. */
  private static final int CATCH_UP_CHUNK = 512;

  /** Don't compact entities with fewer slots than this. */
  private static final int COMPACT_MIN_SLOTS = 4096;

  /** Checkpoint an entity after this many change sets applied since its last checkpoint... */
  static final long CHECKPOINT_EVERY_CHANGE_SETS = 4096;

  /** ...or after this many seconds, when it advanced at all. */
  static final long CHECKPOINT_EVERY_SECONDS = 60;

  /** About how many bytes of chunks one checkpoint slice writes on the store's writer thread. */
  static final int CHECKPOINT_SLICE_BYTES = 4 << 20;

  /** Where checkpoints of the columns are kept: two maps of the store file and its value codec. */
  public interface Checkpoints {
    /** Entity name (UTF-8) → checkpoint metadata. */
    Bytes meta();

    /** Chunk key → an encoded segment or dictionary chunk. */
    Bytes chunks();

    /**
     * Runs {@code slice} on the store's writer thread, between commit groups, until it returns
     * true; each slice's writes are committed atomically with its group.
     */
    CompletableFuture<Void> write(BooleanSupplier slice);

    /** The entities of the current schema (checkpoints of other entities are dropped). */
    Set<String> entities();

    /** Values {@code [from, to)} in the store's compact value encoding ({@code null} as NULL). */
    byte[] encodeValues(Value[] values, int from, int to);

    /** Every value {@link #encodeValues} wrote in {@code bytes} from {@code offset} on. */
    List<Value> decodeValues(byte[] bytes, int offset);
  }

  /** A byte-keyed map (unsigned order) any thread reads; written only from a write slice. */
  public interface Bytes {
    byte[] get(byte[] key);

    /** The smallest key above {@code key}, or null. */
    byte[] higherKey(byte[] key);

    void put(byte[] key, byte[] value);

    void remove(byte[] key);
  }

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
  private final Checkpoints checkpoints;
  private final Set<String> loadTried = ConcurrentHashMap.newKeySet();
  private final AtomicLong loaded = new AtomicLong();
  private final AtomicLong checkpointFailures = new AtomicLong();
  private final AtomicLong checkpointsWritten = new AtomicLong();
  private final Object checkpointLock = new Object();
  private CompletableFuture<Void> inflight = CompletableFuture.completedFuture(null);
  private volatile boolean checkpointsSuspended;

  /** Columns in memory only, built from a scan at each entity's first aggregate. */
  public ColumnStore(Changelog changelog) {
    this(changelog, null);
  }

  /** Columns checkpointed into {@code checkpoints} (null: in memory only). */
  public ColumnStore(Changelog changelog, Checkpoints checkpoints) {
    this.changelog = changelog;
    this.checkpoints = checkpoints;
  }

  /** Entity column sets loaded from a checkpoint instead of being built from a scan. */
  public long loadedFromCheckpoint() {
    return loaded.get();
  }

  /**
   * Checkpoints that were present but not used (unreadable, checksum mismatch, other format or
   * schema, beyond the changelog) plus checkpoint writes that failed. Neither affects results.
   */
  public long checkpointFailures() {
    return checkpointFailures.get();
  }

  /** Entity checkpoints written. */
  public long checkpointsWritten() {
    return checkpointsWritten.get();
  }

  /**
   * Checkpoints every entity whose columns advanced since their last checkpoint (after any
   * checkpoint still being written). The future completes once written to the store file (durable
   * with the store's next sync); it never fails.
   */
  public CompletableFuture<Void> checkpoint() {
    return startCheckpoint(true);
  }

  /** For tests: stops (or resumes) writing checkpoints, as if the process died before them. */
  void suspendCheckpoints(boolean suspend) {
    checkpointsSuspended = suspend;
  }

  Checkpoints checkpoints() {
    return checkpoints;
  }

  private CompletableFuture<Void> startCheckpoint(boolean all) {
    if (checkpoints == null || checkpointsSuspended) {
      return CompletableFuture.completedFuture(null);
    }
    synchronized (checkpointLock) {
      CompletableFuture<Void> prev = inflight;
      if (!prev.isDone()) {
        if (!all) {
          return prev; // one checkpoint at a time; the next catch-up checks again
        }
        inflight = prev.thenCompose(x -> submitCheckpoint(true));
      } else {
        inflight = submitCheckpoint(all);
      }
      return inflight;
    }
  }

  /** Submits a checkpoint of the due entities (all that advanced when {@code all}). */
  private CompletableFuture<Void> submitCheckpoint(boolean all) {
    long now = System.nanoTime();
    List<EntityColumns> due = new ArrayList<>();
    for (EntityColumns ec : entities.values()) {
      long at = ec.checkpointedLsn();
      long lsn = ec.published().lsn();
      if (ec.stale() || lsn <= at) {
        continue;
      }
      if (all
          || at < 0
          || lsn - at >= CHECKPOINT_EVERY_CHANGE_SETS
          || now - ec.checkpointedNanos() >= TimeUnit.SECONDS.toNanos(CHECKPOINT_EVERY_SECONDS)) {
        due.add(ec);
      }
    }
    if (due.isEmpty() && !all) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<Void> f;
    try {
      f =
          checkpoints.write(
              ColumnCheckpoint.writer(
                  checkpoints, due, CHECKPOINT_SLICE_BYTES, checkpointsWritten));
    } catch (RuntimeException e) {
      f = CompletableFuture.failedFuture(e);
    }
    return f.handle(
        (r, e) -> {
          if (e != null) {
            checkpointFailures.incrementAndGet();
          }
          return null;
        });
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
    if (p == null
        || lsn < p.base()
        || lsn > p.lsn()
        || !describes(ec.def(), ec.schemaVersion(), view)) {
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

  @Override
  public String wholeAggregateAccess() {
    return "columnar";
  }

  /** Columns of {@code entity} that can serve {@code view}, building or catching up; or null. */
  private EntityColumns prepare(ReadView view, EntityDef entity) {
    synchronized (maintenance) {
      try {
        return prepareLocked(view, entity);
      } finally {
        startCheckpoint(false);
      }
    }
  }

  private EntityColumns prepareLocked(ReadView view, EntityDef entity) {
    long lsn = view.lsn();
    EntityColumns ec = entities.get(entity.name());
    if (ec == null && checkpoints != null && loadTried.add(entity.name())) {
      ec = load(view, entity.name());
      if (ec != null) {
        entities.put(entity.name(), ec);
      }
    }
    if (ec != null && lsn > ec.published().lsn() && !ec.stale()) {
      catchUp(lsn);
      ec = entities.get(entity.name());
    }
    if (ec != null) {
      EntityColumns.Published p = ec.published();
      if (lsn >= p.base() && lsn <= p.lsn() && describes(ec.def(), ec.schemaVersion(), view)) {
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

  /**
   * The columns of {@code name}'s checkpoint when it is usable for {@code view}: readable, of the
   * entity as the view's schema declares it, and not beyond the changelog (so that a catch-up
   * continues from its LSN); else null, counted as a failure when a checkpoint was there.
   */
  private EntityColumns load(ReadView view, String name) {
    try {
      ColumnCheckpoint.Meta m = ColumnCheckpoint.readMeta(checkpoints, name);
      if (m == null) {
        return null;
      }
      EntityDef def = changelog.schemaAt(m.schemaVersion()).entity(name).orElse(null);
      if (def == null
          || ColumnCheckpoint.fingerprint(def) != m.fingerprint()
          || !describes(def, m.schemaVersion(), view)) {
        checkpointFailures.incrementAndGet();
        return null;
      }
      changelog.changes(m.lsn() + 1, 1); // refused when the checkpoint is beyond the changelog
      EntityColumns ec = ColumnCheckpoint.load(checkpoints, m, def);
      loaded.incrementAndGet();
      return ec;
    } catch (RuntimeException e) {
      checkpointFailures.incrementAndGet();
      return null;
    }
  }

  /**
   * Whether columns of {@code def} at schema version {@code version} hold the entity as the view's
   * schema declares it, with the same data.
   */
  private boolean describes(EntityDef columnsDef, long version, ReadView view) {
    long v = view.schema().version();
    if (v == version) {
      return true;
    }
    EntityDef def = view.schema().entity(columnsDef.name()).orElse(null);
    if (def == null || !signature(def).equals(signature(columnsDef))) {
      return false;
    }
    return sameColumnsBetween(columnsDef, version, v);
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

  /** What determines the stored data of an entity: field names, types, defaults, computations. */
  private static List<Object> signature(EntityDef def) {
    List<Object> out = new ArrayList<>();
    out.add(def.identityField());
    for (FieldDef f : def.fields()) {
      out.add(Arrays.asList(f.name(), f.type(), f.defaultValue(), f.computed()));
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

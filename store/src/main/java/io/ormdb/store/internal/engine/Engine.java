package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.internal.btree.ByteArrayType;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.Catalog.EntityInfo;
import io.ormdb.store.internal.catalog.Catalog.IndexInfo;
import io.ormdb.store.internal.catalog.SchemaValidator;
import io.ormdb.store.internal.codec.ByteKeys;
import io.ormdb.store.internal.codec.ChangeSetCodec;
import io.ormdb.store.internal.codec.KeyCodec;
import io.ormdb.store.internal.codec.RowCodec;
import io.ormdb.store.internal.codec.RowCodec.RowData;
import io.ormdb.store.internal.file.BytesMap;
import io.ormdb.store.internal.file.ReopeningFilePath;
import io.ormdb.store.internal.file.StorageErrors;
import io.ormdb.store.internal.journal.JournalMaps;
import io.ormdb.store.internal.journal.OffsetMap;
import io.ormdb.store.view.ReadView;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The storage engine: one MVStore file with the catalog, rows, indexes, changelog and columnar
 * checkpoints, one committer thread that applies batches in order and group-commits them, and
 * snapshot reads at any retained LSN. Internal: use {@link io.ormdb.store.OrmStore}.
 */
public final class Engine implements AutoCloseable {
  private static final Set<String> OPEN_FILES = ConcurrentHashMap.newKeySet();
  private static final int MAX_GROUP = 1024;
  private static final int COMPACTION_SLICE = 2000;

  private final StoreConfig config;
  private final boolean replica;
  private final String fileKey;
  private final MVStore store;
  private final MVMap<byte[], byte[]> rows;
  private final MVMap<byte[], byte[]> idx;
  private final MVMap<Long, byte[]> log;
  private final MVMap<Long, byte[]> catalogs;
  private final MVMap<String, String> meta;
  private final BytesMap columnMeta;
  private final BytesMap columnChunks;

  private volatile List<Catalog> catalogList = List.of();

  /** Writer-owned: the LSN of the last applied batch. */
  private long lastLsn;

  private long lastTs;
  private volatile long visibleLsn;
  private volatile long oldestLsn;
  private volatile boolean closed;
  private volatile OrmDbException broken;

  private final BlockingQueue<Task> queue = new LinkedBlockingQueue<>();
  private final Thread committer;
  private long lastSyncNanos = System.nanoTime();
  private boolean unsynced;
  private long nextCompactionNanos;
  private boolean compactionQueued;

  private final AtomicLong batchesCommitted = new AtomicLong();
  private final AtomicLong storeCommits = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong versionsRemoved = new AtomicLong();

  /** Completes waiters of the watermarks, so that the committer never runs their callbacks. */
  private final ExecutorService notifier =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "ormdb-commit-notifier");
            t.setDaemon(true);
            return t;
          });

  private Watermark visibleMark;
  private volatile long oldestLogLsn = 1;
  private static final String OLDEST_LOG = "changelog.oldest";
  private JournalMaps journal;
  private OffsetMap offsets;

  private static final String ROLE = "role";
  private static final String REPLICA_ROLE = "replica";
  private static final String DATABASE_ID = "database.id";

  /** Meta key prefix (+ entity id): the largest integer identity compaction removed. */
  private static final String REMOVED_ID = "id.removed.";

  private Engine(StoreConfig config, boolean replica, String fileKey, MVStore store) {
    this.config = config;
    this.replica = replica;
    this.fileKey = fileKey;
    this.store = store;
    this.rows = openBytesMap("rows");
    this.idx = openBytesMap("idx");
    this.log = store.openMap("changelog");
    this.catalogs = store.openMap("catalog");
    this.meta = store.openMap("meta");
    this.columnMeta = new BytesMap(this::onCommitter, openBytesMap("col.meta"));
    this.columnChunks = new BytesMap(this::onCommitter, openBytesMap("col.seg"));
    List<Catalog> list = new ArrayList<>();
    for (Map.Entry<Long, byte[]> c : catalogs.entrySet()) {
      list.add(Catalog.decode(c.getValue()));
    }
    catalogList = List.copyOf(list);
    claimRole(fileKey);
    recover();
    String oldestLog = meta.get(OLDEST_LOG);
    oldestLogLsn = oldestLog == null ? 1 : Long.parseLong(oldestLog);
    openJournal();
    this.committer = new Thread(this::runCommitter, "ormdb-committer");
    this.committer.setDaemon(true);
    this.nextCompactionNanos = System.nanoTime() + config.compactionInterval().toNanos();
    this.committer.start();
  }

  private MVMap<byte[], byte[]> openBytesMap(String name) {
    return store.openMap(
        name,
        new MVMap.Builder<byte[], byte[]>()
            .keyType(ByteArrayType.INSTANCE)
            .valueType(ByteArrayType.INSTANCE));
  }

  /** Opens (creating when absent) the store described by {@code config}. */
  public static Engine open(StoreConfig config) {
    return open(config, false);
  }

  /**
   * Opens the store as a primary (writes accepted) or as a read replica (only {@link
   * #applyReplicated} and {@link #applyReplicatedSchema} write tables; commits and schema changes
   * are refused with READ_ONLY_REPLICA). A file once opened as a replica stays one.
   */
  public static Engine open(StoreConfig config, boolean replica) {
    MVStore.Builder b =
        new MVStore.Builder().autoCommitDisabled().cacheSize(config.cacheMegabytes());
    String key;
    if (config.isInMemory()) {
      key = null;
    } else {
      Path dir = Path.of(config.dataDir());
      try {
        Files.createDirectories(dir);
        key = dir.resolve(StoreConfig.FILE_NAME).toFile().getCanonicalPath();
      } catch (IOException e) {
        throw StorageErrors.dataDirectory(dir, e);
      }
      if (Files.isDirectory(Path.of(key))) {
        throw StorageErrors.isDirectory(key);
      }
      if (!OPEN_FILES.add(key)) {
        throw StorageErrors.alreadyOpen(key);
      }
      b.fileName(ReopeningFilePath.prefixed(key));
    }
    MVStore store;
    try {
      store = b.open();
    } catch (MVStoreException e) {
      if (key != null) {
        OPEN_FILES.remove(key);
      }
      throw StorageErrors.openFailed(key == null ? "(in memory)" : key, e);
    }
    try {
      return new Engine(config, replica, key, store);
    } catch (RuntimeException e) {
      store.closeImmediately();
      if (key != null) {
        OPEN_FILES.remove(key);
      }
      if (e instanceof MVStoreException m) {
        throw StorageErrors.openFailed(key == null ? "(in memory)" : key, m);
      }
      throw e;
    }
  }

  /**
   * Records the file's role: a replica file refuses to open as a primary (its LSNs are the
   * primary's; local writes would fork them). A primary's file (a copy, a backup) may become a
   * replica. A primary gets a random database id at creation; a replica takes its primary's.
   */
  private void claimRole(String file) {
    boolean wasReplica = REPLICA_ROLE.equals(meta.get(ROLE));
    if (wasReplica && !replica) {
      throw OrmDbException.invalid(
          "database file "
              + (file == null ? "(in memory)" : file)
              + " is a read replica of database "
              + meta.get(DATABASE_ID)
              + ": open it as a replica (promoting a replica is not supported yet)");
    }
    boolean changed = false;
    if (replica && !wasReplica) {
      meta.put(ROLE, REPLICA_ROLE);
      changed = true;
    }
    if (!replica && meta.get(DATABASE_ID) == null) {
      meta.put(DATABASE_ID, java.util.UUID.randomUUID().toString());
      changed = true;
    }
    if (changed) {
      store.commit();
      sync();
    }
  }

  /** Whether this store is a read replica. */
  public boolean isReplica() {
    return replica;
  }

  /**
   * The database's id: random at a primary's creation, copied by its replicas (null for a replica
   * that has not received anything yet).
   */
  public String databaseId() {
    return meta.get(DATABASE_ID);
  }

  /**
   * Removes row versions of a batch that was being written when the process died: everything with
   * an LSN above the last changelog entry (the changelog entry is the batch's last write).
   */
  private void recover() {
    lastLsn = log.isEmpty() ? 0 : log.lastKey();
    String applying = meta.get("applying");
    if (applying != null && Long.parseLong(applying) > lastLsn) {
      List<byte[]> stale = new ArrayList<>();
      for (Iterator<byte[]> it = rows.keyIterator(null); it.hasNext(); ) {
        byte[] k = it.next();
        if (Storage.lsnOf(k) > lastLsn) {
          stale.add(k);
        }
      }
      stale.forEach(rows::remove);
      recount();
      meta.put("applying", Long.toString(lastLsn));
      store.commit();
      sync();
    }
    if (lastLsn > 0) {
      lastTs = ChangeSetCodec.commitTs(log.get(lastLsn));
    }
    String oldest = meta.get("oldest");
    oldestLsn = oldest == null ? 0 : Long.parseLong(oldest);
    visibleLsn = lastLsn;
  }

  private void recount() {
    Catalog cat = latestCatalog();
    if (cat == null) {
      return;
    }
    for (EntityInfo e : cat.entities.values()) {
      long n = 0;
      for (Iterator<Storage.Keyed> it = scanLatest(e); it.hasNext(); it.next()) {
        n++;
      }
      meta.put("count." + e.id, Long.toString(n));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // reads used by the write path (writer thread) and by the facade

  Catalog latestCatalog() {
    List<Catalog> l = catalogList;
    return l.isEmpty() ? null : l.get(l.size() - 1);
  }

  RowData latestVersion(EntityInfo e, byte[] idKey) {
    return Storage.version(rows.flushAndGetRoot(), e, idKey, Long.MAX_VALUE);
  }

  RowData latestLive(EntityInfo e, byte[] idKey) {
    RowData r = latestVersion(e, idKey);
    return r != null && r.live() ? r : null;
  }

  Iterator<Storage.Keyed> scanLatest(EntityInfo e) {
    return Storage.scan(rows, rows.flushAndGetRoot(), e, Long.MAX_VALUE, true);
  }

  List<byte[]> indexCandidates(IndexInfo ix, byte[] values) {
    return Storage.indexCandidates(idx, idx.flushAndGetRoot(), ix, values);
  }

  /**
   * The largest integer identity {@code e} has ever held: the largest stored (live or deleted rows,
   * whose versions stay until compaction), or the largest that compaction removed with a deleted
   * row's history, whichever is larger; {@link Long#MIN_VALUE} when it never held one.
   */
  long largestIdentityHeld(EntityInfo e) {
    long max = Long.MIN_VALUE;
    byte[] end = ByteKeys.prefixEnd(e.prefix);
    byte[] k = rows.lowerKey(end);
    if (k != null && ByteKeys.startsWith(k, e.prefix)) {
      max = KeyCodec.decode(Storage.idKeyOf(k)).asLong();
    }
    String removed = meta.get(REMOVED_ID + e.id);
    return removed == null ? max : Math.max(max, Long.parseLong(removed));
  }

  /**
   * Compaction removes every version of a deleted row: remembers its id when it is the largest
   * removed so far, so that {@link #largestIdentityHeld} still counts it and an assigned id is
   * never given again.
   */
  private void rememberRemovedIdentity(EntityInfo e, byte[] idKey) {
    ValueType t = e.identity.type().base();
    if (t != ValueType.INT32 && t != ValueType.INT64) {
      return;
    }
    long id = KeyCodec.decode(idKey).asLong();
    String key = REMOVED_ID + e.id;
    String old = meta.get(key);
    if (old == null || Long.parseLong(old) < id) {
      meta.put(key, Long.toString(id));
    }
  }

  long count(EntityInfo e) {
    String c = meta.get("count." + e.id);
    return c == null ? 0 : Long.parseLong(c);
  }

  // ---------------------------------------------------------------------------------------------
  // facade operations

  public SchemaBundle schema() {
    Catalog c = latestCatalog();
    return c == null ? SchemaBundle.empty() : c.bundle;
  }

  public SchemaBundle schemaAt(long version) {
    for (Catalog c : catalogList) {
      if (c.version == version) {
        return c.bundle;
      }
    }
    throw OrmDbException.notFound(
        "no schema version " + version + " (versions: " + schemaVersions() + ")");
  }

  public List<Long> schemaVersions() {
    List<Long> out = new ArrayList<>();
    for (Catalog c : catalogList) {
      out.add(c.version);
    }
    return out;
  }

  public CompletableFuture<Long> applySchema(SchemaBundle bundle) {
    if (replica) {
      return CompletableFuture.failedFuture(readOnly("schema changes"));
    }
    SchemaTask t = new SchemaTask(bundle);
    submit(t);
    return t.future;
  }

  public CompletableFuture<MutationResult> commit(MutationBatch batch) {
    if (replica) {
      return CompletableFuture.failedFuture(readOnly("writes"));
    }
    BatchTask t = new BatchTask(batch);
    submit(t);
    return t.future;
  }

  private OrmDbException readOnly(String what) {
    return new OrmDbException(
        ErrorCode.READ_ONLY_REPLICA,
        "this node is a read replica of database "
            + databaseId()
            + ": "
            + what
            + " go to the primary");
  }

  /**
   * Replica only: applies a change set committed by the primary, at the primary's LSN, with its
   * before/after images (no constraint checks: the primary made them). Completes with the LSN once
   * it is committed and durable like a batch (group commit). A change set at or below the last
   * applied LSN is skipped (a resumed stream may repeat one); a gap, or a schema version the
   * replica does not have, fails with INVALID_LSN and writes nothing.
   */
  public CompletableFuture<Long> applyReplicated(ChangeSet set) {
    if (!replica) {
      return CompletableFuture.failedFuture(
          OrmDbException.invalid("applyReplicated: this store is not a replica"));
    }
    ReplicaTask t = new ReplicaTask(set, null);
    submit(t);
    return t.future;
  }

  /**
   * Replica only: applies the primary's schema {@code version}, which the primary applied after LSN
   * {@code appliedAtLsn}; the replica must have applied exactly that LSN. A version the replica
   * already has is skipped. Also records the primary's database id.
   */
  public CompletableFuture<Long> applyReplicatedSchema(
      String primaryId, long version, long appliedAtLsn, SchemaBundle bundle) {
    if (!replica) {
      return CompletableFuture.failedFuture(
          OrmDbException.invalid("applyReplicatedSchema: this store is not a replica"));
    }
    ReplicaTask t =
        new ReplicaTask(null, new ReplicaSchema(primaryId, version, appliedAtLsn, bundle));
    submit(t);
    return t.future;
  }

  /** One applied schema version and the LSN after which it applies, oldest first. */
  public List<long[]> schemaHistory() {
    List<long[]> out = new ArrayList<>();
    for (Catalog c : catalogList) {
      out.add(new long[] {c.version, c.appliedAtLsn});
    }
    return out;
  }

  /** Runs one full compaction pass (in slices, interleaved with commits). */
  public CompletableFuture<Long> compact() {
    CompactTask t = new CompactTask();
    submit(t);
    return t.future;
  }

  /**
   * Runs background work on the committer thread, between commit groups, one slice per group until
   * a slice returns true (like compaction). A slice's writes (to the maps the committer lets it
   * write, see {@link #columnMeta()}) go into that group's MVStore commit, which is atomic and
   * durable with the group's (or the next) sync. A slice should do a bounded amount of work: every
   * batch queued behind it waits for it. A slice that throws fails the returned future only; the
   * store carries on.
   */
  public CompletableFuture<Void> runOnCommitter(BooleanSupplier slice) {
    SliceTask t = new SliceTask(slice);
    submit(t);
    return t.future;
  }

  /** The columnar store's checkpoint metadata map ({@code col.meta}); written only by a slice. */
  public BytesMap columnMeta() {
    return columnMeta;
  }

  /** The columnar store's checkpoint chunk map ({@code col.seg}); written only by a slice. */
  public BytesMap columnChunks() {
    return columnChunks;
  }

  boolean onCommitter() {
    return Thread.currentThread() == committer;
  }

  private void submit(Task t) {
    if (closed) {
      t.fail(new OrmDbException(ErrorCode.INTERNAL, "the store is closed"));
      return;
    }
    if (broken != null) {
      t.fail(broken);
      return;
    }
    queue.add(t);
  }

  /** Reads of a closed store fail with this instead of MVStore's own exception. */
  private void requireOpen() {
    if (closed) {
      throw new OrmDbException(ErrorCode.INTERNAL, "the store is closed");
    }
  }

  public long currentLsn() {
    return visibleLsn;
  }

  public long oldestRetainedLsn() {
    return oldestLsn;
  }

  public ReadView snapshot() {
    requireOpen();
    while (true) {
      long lsn = visibleLsn;
      ReadView v = tryOpenView(lsn, KeyOwner.ALL);
      if (v != null) {
        return v;
      }
    }
  }

  public ReadView snapshotAt(long lsn) {
    return snapshotAt(lsn, KeyOwner.ALL);
  }

  /**
   * {@link #snapshotAt(long)} restricted to the rows of one logical partition: the other rows are
   * skipped on their key bytes, before they are looked up or decoded.
   */
  public ReadView snapshotAt(long lsn, int partition, int partitions) {
    return snapshotAt(lsn, KeyOwner.partition(partition, partitions));
  }

  private ReadView snapshotAt(long lsn, KeyOwner owner) {
    requireOpen();
    long newest = visibleLsn;
    if (lsn < oldestLsn || lsn > newest) {
      throw invalidLsn(lsn, newest);
    }
    ReadView v = tryOpenView(lsn, owner);
    if (v == null) {
      throw invalidLsn(lsn, visibleLsn);
    }
    return v;
  }

  private OrmDbException invalidLsn(long lsn, long newest) {
    return new OrmDbException(
        ErrorCode.INVALID_LSN,
        "lsn "
            + lsn
            + " is not available: the oldest available LSN is "
            + oldestLsn
            + " and the newest is "
            + newest);
  }

  private ReadView tryOpenView(long lsn, KeyOwner owner) {
    MVStore.TxCounter counter = store.registerVersionUsage();
    Catalog cat = catalogAt(lsn);
    Snapshot s = new Snapshot(this, lsn, cat, rows, idx, counter, owner);
    if (lsn < oldestLsn) { // compaction began before the roots were pinned
      s.close();
      return null;
    }
    return s;
  }

  void release(MVStore.TxCounter counter) {
    if (!store.isClosed()) {
      store.deregisterVersionUsage(counter);
    }
  }

  private Catalog catalogAt(long lsn) {
    Catalog found = null;
    for (Catalog c : catalogList) {
      if (c.appliedAtLsn <= lsn) {
        found = c;
      }
    }
    if (found == null) {
      found = Catalog.compile(SchemaBundle.empty(), 0, Catalog.Ids.empty());
    }
    return found;
  }

  public List<ChangeSet> changes(long fromLsnInclusive, int maxEntries) {
    if (maxEntries <= 0) {
      throw OrmDbException.invalid("maxEntries must be > 0 but is " + maxEntries);
    }
    long newest = visibleLsn;
    if (fromLsnInclusive > newest + 1) {
      throw invalidLsn(fromLsnInclusive, newest);
    }
    checkRetained(Math.max(1, fromLsnInclusive));
    List<ChangeSet> out = new ArrayList<>();
    for (long l = Math.max(1, fromLsnInclusive); l <= newest && out.size() < maxEntries; l++) {
      byte[] b = log.get(l);
      if (b == null) {
        checkRetained(l); // truncated meanwhile
        throw OrmDbException.internal("changelog entry " + l + " is missing", null);
      }
      out.add(ChangeSetCodec.decode(l, b));
    }
    return out;
  }

  /** Counters for tests and metrics. */
  public long[] stats() {
    return new long[] {
      batchesCommitted.get(), storeCommits.get(), syncs.get(), versionsRemoved.get()
    };
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    queue.add(new Poison());
    try {
      committer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeNotifications();
    try {
      if (broken == null) {
        // A view closed while the committer held the store lock cannot advance MVStore's oldest
        // version to keep (it only tries the lock); do it now, with nobody else holding it, so the
        // close sees no stale pinned version.
        store.deregisterVersionUsage(store.registerVersionUsage());
        store.close();
      } else {
        store.closeImmediately();
      }
    } finally {
      if (fileKey != null) {
        OPEN_FILES.remove(fileKey);
      }
    }
  }

  /** The file this engine owns, or null in memory. */
  public File file() {
    return fileKey == null ? null : new File(fileKey);
  }

  // ---------------------------------------------------------------------------------------------
  // the committer

  private abstract static class Task {
    abstract void fail(OrmDbException e);
  }

  private static final class BatchTask extends Task {
    final MutationBatch batch;
    final CompletableFuture<MutationResult> future = new CompletableFuture<>();

    BatchTask(MutationBatch batch) {
      this.batch = batch;
    }

    @Override
    void fail(OrmDbException e) {
      future.completeExceptionally(e);
    }
  }

  private static final class SchemaTask extends Task {
    final SchemaBundle bundle;
    final CompletableFuture<Long> future = new CompletableFuture<>();

    SchemaTask(SchemaBundle bundle) {
      this.bundle = bundle;
    }

    @Override
    void fail(OrmDbException e) {
      future.completeExceptionally(e);
    }
  }

  private static final class CompactTask extends Task {
    final CompletableFuture<Long> future = new CompletableFuture<>();
    long horizon = -1;
    long logHorizon = -1;
    long logResume;
    byte[] resume;
    long removed;

    @Override
    void fail(OrmDbException e) {
      future.completeExceptionally(e);
    }
  }

  private static final class SliceTask extends Task {
    final BooleanSupplier slice;
    final CompletableFuture<Void> future = new CompletableFuture<>();

    SliceTask(BooleanSupplier slice) {
      this.slice = slice;
    }

    @Override
    void fail(OrmDbException e) {
      future.completeExceptionally(e);
    }
  }

  /** A write of another component (journal, offsets) that shares the group commit. */
  private static final class WriteTask<T> extends Task {
    final Supplier<T> write;
    final CompletableFuture<T> future = new CompletableFuture<>();

    WriteTask(Supplier<T> write) {
      this.write = write;
    }

    /** Applies the write (committer thread); returns what completes it after the commit. */
    Runnable run() {
      try {
        T r = write.get();
        return () -> future.complete(r);
      } catch (OrmDbException e) {
        return () -> future.completeExceptionally(e);
      }
    }

    @Override
    void fail(OrmDbException e) {
      future.completeExceptionally(e);
    }
  }

  private record ReplicaSchema(
      String primaryId, long version, long appliedAtLsn, SchemaBundle bundle) {}

  /** A change set or a schema version replicated from the primary. */
  private static final class ReplicaTask extends Task {
    final ChangeSet set;
    final ReplicaSchema schema;
    final CompletableFuture<Long> future = new CompletableFuture<>();

    ReplicaTask(ChangeSet set, ReplicaSchema schema) {
      this.set = set;
      this.schema = schema;
    }

    @Override
    void fail(OrmDbException e) {
      future.completeExceptionally(e);
    }
  }

  private static final class Poison extends Task {
    @Override
    void fail(OrmDbException e) {}
  }

  private void runCommitter() {
    List<Task> group = new ArrayList<>();
    while (true) {
      Task first;
      try {
        first = queue.poll(pollMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (first == null) {
        idle();
        continue;
      }
      group.clear();
      group.add(first);
      queue.drainTo(group, MAX_GROUP - 1);
      boolean stop = false;
      List<Task> work = new ArrayList<>();
      for (Task t : group) {
        if (t instanceof Poison) {
          stop = true;
        } else if (stop) {
          t.fail(new OrmDbException(ErrorCode.INTERNAL, "the store is closed"));
        } else {
          work.add(t);
        }
      }
      process(work);
      scheduleCompactionIfDue();
      if (stop) {
        for (Task t : queue) {
          t.fail(new OrmDbException(ErrorCode.INTERNAL, "the store is closed"));
        }
        queue.clear();
        return;
      }
    }
  }

  private long pollMillis() {
    long ms = 200;
    if (config.durability() == StoreConfig.Durability.ASYNC && unsynced) {
      ms = Math.max(1, config.maxDelayMillis());
    }
    return ms;
  }

  private void idle() {
    if (unsynced) {
      syncIfDue();
    }
    scheduleCompactionIfDue();
  }

  /** Queues a compaction pass when the interval has passed; its slices interleave with batches. */
  private void scheduleCompactionIfDue() {
    if (!config.compactionInterval().isZero()
        && !compactionQueued
        && System.nanoTime() >= nextCompactionNanos) {
      compactionQueued = true;
      CompactTask t = new CompactTask();
      t.future.whenComplete(
          (r, e) -> {
            compactionQueued = false;
            nextCompactionNanos = System.nanoTime() + config.compactionInterval().toNanos();
          });
      queue.add(t);
    }
  }

  private void syncIfDue() {
    long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastSyncNanos);
    if (elapsed >= config.maxDelayMillis()) {
      sync();
    }
  }

  private void sync() {
    if (fileKey != null) {
      store.sync();
      syncs.incrementAndGet();
    }
    unsynced = false;
    lastSyncNanos = System.nanoTime();
  }

  private void process(List<Task> work) {
    if (work.isEmpty()) {
      return;
    }
    if (broken != null) {
      work.forEach(t -> t.fail(broken));
      return;
    }
    List<Runnable> completions = new ArrayList<>(work.size());
    boolean wrote = false;
    try {
      for (Task t : work) {
        if (t instanceof BatchTask b) {
          try {
            MutationResult r = applyBatch(b.batch);
            wrote |= r.committed();
            completions.add(() -> b.future.complete(r));
          } catch (OrmDbException e) {
            completions.add(() -> b.future.completeExceptionally(e));
          }
        } else if (t instanceof SchemaTask s) {
          try {
            Catalog before = latestCatalog();
            long v = applySchemaNow(s.bundle);
            wrote |= latestCatalog() != before;
            completions.add(() -> s.future.complete(v));
          } catch (OrmDbException e) {
            completions.add(() -> s.future.completeExceptionally(e));
          }
        } else if (t instanceof WriteTask<?> w) {
          wrote = true;
          completions.add(w.run());
        } else if (t instanceof ReplicaTask r) {
          try {
            long l = r.set != null ? applyReplicatedNow(r.set) : applyReplicatedSchemaNow(r.schema);
            wrote = true;
            completions.add(() -> r.future.complete(l));
          } catch (OrmDbException e) {
            completions.add(() -> r.future.completeExceptionally(e));
          }
        } else if (t instanceof CompactTask c) {
          wrote = true;
          if (compactSlice(c)) {
            completions.add(() -> c.future.complete(c.removed));
          } else {
            queue.add(c);
          }
        } else if (t instanceof SliceTask w) {
          wrote = true;
          boolean done;
          try {
            done = w.slice.getAsBoolean();
          } catch (RuntimeException e) {
            completions.add(() -> w.future.completeExceptionally(e));
            continue;
          }
          if (done) {
            completions.add(() -> w.future.complete(null));
          } else {
            queue.add(w);
          }
        }
      }
      if (wrote) {
        store.commit();
        storeCommits.incrementAndGet();
        unsynced = true;
        if (config.durability() == StoreConfig.Durability.SYNC) {
          sync();
        }
      }
    } catch (RuntimeException e) {
      broken = OrmDbException.internal("the store failed while committing: " + e, e);
      work.forEach(t -> t.fail(broken));
      return;
    }
    visibleLsn = lastLsn;
    publishVisible();
    completions.forEach(Runnable::run);
    if (unsynced) {
      syncIfDue();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // the write path

  private MutationResult applyBatch(MutationBatch batch) {
    Catalog cat = latestCatalog();
    if (cat == null) {
      throw OrmDbException.invalid("no schema has been applied yet");
    }
    long lsn = lastLsn + 1;
    long ts = Math.max(lastTs + 1, currentMicros());
    WriteTx tx = new WriteTx(this, cat, lsn, ts, config.maxValueBytes());
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
      return new MutationResult(lastLsn, 0, tx.insertedIds);
    }
    flush(tx, events, cat, lsn, ts);
    lastLsn = lsn;
    lastTs = ts;
    batchesCommitted.incrementAndGet();
    return new MutationResult(lsn, events.size(), tx.insertedIds);
  }

  private static long currentMicros() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
  }

  private void flush(WriteTx tx, List<ChangeEvent> events, Catalog cat, long lsn, long ts) {
    meta.put("applying", Long.toString(lsn));
    Map<Integer, Long> deltas = new java.util.HashMap<>();
    for (WriteTx.Touched t : tx.eventRows) {
      int state = t.after == null ? RowCodec.DELETED : t.after.state();
      Map<String, Value> fields = t.after == null ? Map.of() : t.after.fields();
      rows.put(Storage.rowKey(t.e, t.idKey, lsn), RowCodec.encode(t.e.fieldIds, state, fields));
      if (state == RowCodec.LIVE) {
        for (IndexInfo ix : t.e.indexes) {
          idx.put(Storage.indexKey(ix, Storage.indexValues(ix, fields), t.idKey), Storage.EMPTY);
        }
      }
      boolean wasLive = t.before != null && t.before.live();
      boolean isLive = state == RowCodec.LIVE;
      if (wasLive != isLive) {
        deltas.merge(t.e.id, isLive ? 1L : -1L, Long::sum);
      }
    }
    deltas.forEach(
        (id, d) -> {
          String k = "count." + id;
          String c = meta.get(k);
          meta.put(k, Long.toString((c == null ? 0 : Long.parseLong(c)) + d));
        });
    log.put(lsn, ChangeSetCodec.encode(new ChangeSet(lsn, lsn, cat.version, ts, events)));
  }

  // ---------------------------------------------------------------------------------------------
  // schema

  /**
   * Applies {@code bundle} as the next version, or — when it equals the current schema, version
   * number aside — returns the current version and writes nothing (an application may apply its
   * schema at every start).
   */
  private long applySchemaNow(SchemaBundle bundle) {
    Catalog old = latestCatalog();
    if (old != null && bundle.withVersion(old.version).equals(old.bundle)) {
      return old.version;
    }
    SchemaValidator.validateOrThrow(bundle);
    long version = old == null ? 1 : old.version + 1;
    Catalog cat =
        Catalog.compile(
            bundle.withVersion(version), lastLsn, old == null ? Catalog.Ids.empty() : old.ids);
    SchemaEvolution.check(this, old, cat);
    SchemaEvolution.buildNewIndexes(this, old, cat);
    catalogs.put(version, cat.encode());
    List<Catalog> l = new ArrayList<>(catalogList);
    l.add(cat);
    catalogList = List.copyOf(l);
    return version;
  }

  // ---------------------------------------------------------------------------------------------
  // replication (replica only; committer thread)

  private long applyReplicatedNow(ChangeSet set) {
    long lsn = set.lsn();
    if (lsn <= lastLsn) {
      return lastLsn;
    }
    if (lsn != lastLsn + 1) {
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "replicated change set " + lsn + " does not follow the last applied LSN " + lastLsn);
    }
    Catalog cat = latestCatalog();
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
    meta.put("applying", Long.toString(lsn));
    Map<Integer, Long> deltas = new java.util.HashMap<>();
    for (ChangeEvent ev : set.events()) {
      EntityInfo e = cat.entity(ev.entity());
      byte[] idKey = KeyCodec.encode(ev.id());
      boolean live = ev.op() != ChangeEvent.Op.DELETE;
      Map<String, Value> fields = live ? ev.after() : Map.of();
      rows.put(
          Storage.rowKey(e, idKey, lsn),
          RowCodec.encode(e.fieldIds, live ? RowCodec.LIVE : RowCodec.DELETED, fields));
      if (live) {
        for (IndexInfo ix : e.indexes) {
          idx.put(Storage.indexKey(ix, Storage.indexValues(ix, fields), idKey), Storage.EMPTY);
        }
      }
      if (ev.op() == ChangeEvent.Op.CREATE) {
        deltas.merge(e.id, 1L, Long::sum);
      } else if (ev.op() == ChangeEvent.Op.DELETE) {
        deltas.merge(e.id, -1L, Long::sum);
      }
    }
    deltas.forEach(
        (id, d) -> {
          String k = "count." + id;
          String c = meta.get(k);
          meta.put(k, Long.toString((c == null ? 0 : Long.parseLong(c)) + d));
        });
    log.put(lsn, ChangeSetCodec.encode(set));
    lastLsn = lsn;
    lastTs = Math.max(lastTs, set.commitTsMicros());
    batchesCommitted.incrementAndGet();
    return lsn;
  }

  private long applyReplicatedSchemaNow(ReplicaSchema s) {
    String id = meta.get(DATABASE_ID);
    if (id == null) {
      meta.put(DATABASE_ID, s.primaryId());
    } else if (!id.equals(s.primaryId())) {
      throw OrmDbException.invalid(
          "this replica follows database " + id + ", not " + s.primaryId());
    }
    Catalog old = latestCatalog();
    long have = old == null ? 0 : old.version;
    if (s.version() <= have) {
      return s.version();
    }
    if (s.version() != have + 1 || s.appliedAtLsn() != lastLsn) {
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "replicated schema version "
              + s.version()
              + " applies after LSN "
              + s.appliedAtLsn()
              + " but the replica is at version "
              + have
              + ", LSN "
              + lastLsn);
    }
    Catalog cat =
        Catalog.compile(
            s.bundle().withVersion(s.version()),
            s.appliedAtLsn(),
            old == null ? Catalog.Ids.empty() : old.ids);
    SchemaEvolution.buildNewIndexes(this, old, cat);
    catalogs.put(s.version(), cat.encode());
    List<Catalog> l = new ArrayList<>(catalogList);
    l.add(cat);
    catalogList = List.copyOf(l);
    return s.version();
  }

  void putIndexEntry(byte[] key) {
    idx.put(key, Storage.EMPTY);
  }

  // ---------------------------------------------------------------------------------------------
  // compaction

  /** The newest LSN committed at or before now minus the retention window. */
  private long horizon() {
    long target = currentMicros() - config.historyRetention().toNanos() / 1000;
    return lastCommittedBefore(
        target, Math.max(Math.max(oldestLsn, oldestLogLsn), 1), lastLsn, oldestLsn);
  }

  /** Compacts the next slice of rows; true when the pass is complete. */
  private boolean compactSlice(CompactTask c) {
    if (!truncateChangelogSlice(c)) {
      return false;
    }
    if (c.horizon < 0) {
      c.horizon = horizon();
      if (c.horizon > oldestLsn) {
        oldestLsn = c.horizon; // before removing anything: views below it are refused
        meta.put("oldest", Long.toString(c.horizon));
      }
      c.resume = new byte[0];
    }
    Catalog cat = latestCatalog();
    if (cat == null) {
      return true;
    }
    long h = c.horizon;
    Iterator<byte[]> it = rows.keyIterator(c.resume);
    List<byte[]> group = new ArrayList<>();
    int processed = 0;
    byte[] groupKey = null;
    while (it.hasNext()) {
      byte[] k = it.next();
      byte[] g = Storage.groupOf(k);
      if (groupKey != null && !java.util.Arrays.equals(g, groupKey)) {
        compactGroup(cat, group, h, c);
        group.clear();
        if (processed >= COMPACTION_SLICE) {
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

  private void compactGroup(Catalog cat, List<byte[]> group, long h, CompactTask c) {
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
      byte[] stored = rows.get(k);
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
    Set<ByteKeys.Key> keep = new java.util.HashSet<>();
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
            idx.remove(k);
          }
        }
      }
    }
    if (remove.size() == group.size()) {
      rememberRemovedIdentity(e, idKey);
    }
    for (byte[] k : remove) {
      rows.remove(k);
    }
    c.removed += remove.size();
    versionsRemoved.addAndGet(remove.size());
  }

  private static int readInt(byte[] b) {
    return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
  }

  // ---------------------------------------------------------------------------------------------
  // journal, consumer offsets and commit notifications

  private void openJournal() {
    visibleMark = new Watermark(visibleLsn, notifier);
    journal = new JournalMaps(this, store, meta, notifier);
    offsets = new OffsetMap(this, store);
  }

  /**
   * Runs {@code write} on the committer thread as part of the next commit group; the future
   * completes once that group is durable per the durability mode (fails when the write throws an
   * OrmDbException — it must then have written nothing — or the store fails).
   */
  public <T> CompletableFuture<T> writeDurably(Supplier<T> write) {
    WriteTask<T> t = new WriteTask<>(write);
    submit(t);
    return t.future;
  }

  /** Called by the committer once a group is visible: wakes the waiters of the watermarks. */
  private void publishVisible() {
    visibleMark.publish(visibleLsn);
    journal.publish();
  }

  private void closeNotifications() {
    visibleMark.close();
    journal.close();
    notifier.shutdown();
  }

  /** Completes (with the newest LSN) once a batch with an LSN above {@code lsn} is visible. */
  public CompletableFuture<Long> lsnAfter(long lsn) {
    return visibleMark.after(lsn);
  }

  /** The store's Pekko Persistence storage. */
  public JournalMaps journal() {
    return journal;
  }

  /** Named change-feed consumer offsets. */
  public OffsetMap offsets() {
    return offsets;
  }

  // ---------------------------------------------------------------------------------------------
  // changelog retention

  public long oldestChangelogLsn() {
    return oldestLogLsn;
  }

  private void checkRetained(long lsn) {
    long oldest = oldestLogLsn;
    if (lsn < oldest) {
      throw new OrmDbException(
          ErrorCode.INVALID_LSN,
          "the changelog from lsn "
              + lsn
              + " is no longer retained: the oldest available LSN is "
              + oldest
              + " and the newest is "
              + visibleLsn);
    }
  }

  /** The newest changelog LSN (below the newest entry) committed at or before {@code micros}. */
  private long lastCommittedBefore(long micros) {
    return lastCommittedBefore(micros, oldestLogLsn, lastLsn - 1, oldestLogLsn - 1);
  }

  /**
   * The newest LSN in {@code [lo, hi]} whose change set was committed at or before {@code micros}
   * (commit times grow with the LSN), or {@code none}.
   */
  private long lastCommittedBefore(long micros, long lo, long hi, long none) {
    long best = none;
    while (lo <= hi) {
      long mid = (lo + hi) >>> 1;
      if (ChangeSetCodec.commitTs(log.get(mid)) <= micros) {
        best = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return best;
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
  private boolean truncateChangelogSlice(CompactTask c) {
    if (config.keepsWholeChangelog() || lastLsn <= 1) {
      return true;
    }
    if (c.logHorizon < 0) {
      long now = currentMicros();
      long best = lastCommittedBefore(now - micros(config.changelogRetention()));
      long needed = config.consumerHold().isZero() ? Long.MAX_VALUE : offsets.oldestNeeded();
      if (needed <= best) {
        // named consumers hold what they still need, up to the hold past the retention
        Duration hold = config.changelogRetention().plus(config.consumerHold());
        best = Math.max(needed - 1, lastCommittedBefore(now - micros(hold)));
      }
      c.logHorizon = best;
      if (best + 1 > oldestLogLsn) {
        long from = oldestLogLsn;
        oldestLogLsn = best + 1;
        meta.put(OLDEST_LOG, Long.toString(best + 1));
        c.logResume = from;
      } else {
        c.logResume = best + 1;
      }
    }
    long end = Math.min(c.logHorizon + 1, c.logResume + COMPACTION_SLICE);
    for (long l = c.logResume; l < end; l++) {
      log.remove(l);
    }
    c.logResume = end;
    return end >= c.logHorizon + 1;
  }
}

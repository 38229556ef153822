package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.store.RecoveryReport;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.internal.catalog.Catalog;
import io.ormdb.store.internal.catalog.CatalogHistory;
import io.ormdb.store.internal.file.BytesMap;
import io.ormdb.store.internal.file.StoreFile;
import io.ormdb.store.internal.file.StoreMaps;
import io.ormdb.store.internal.journal.JournalMaps;
import io.ormdb.store.internal.journal.OffsetMap;
import io.ormdb.store.view.ReadView;
import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The storage engine: one MVStore file ({@link StoreFile}) with the catalog, rows, indexes,
 * changelog, journal and columnar checkpoints ({@link StoreMaps}); one {@link Committer} thread
 * that applies batches ({@link WritePath}), schemas ({@link SchemaApply}), replicated change sets
 * ({@link ReplicaApply}) and compaction slices ({@link Compaction}) in order and group-commits
 * them; snapshot reads at any retained LSN ({@link Reads}). This class wires them and is the facade
 * {@link io.ormdb.store.OrmStore} calls. Internal: use {@code OrmStore}.
 */
public final class Engine implements AutoCloseable {
  private final boolean replica;
  private final StoreFile file;
  private final WriteAheadLog wal;
  private final CatalogHistory catalogs;
  private final Positions at;
  private final History history;
  private final RecoveryReport recovered;
  private final Committer committer;
  private final Compaction compaction;
  private final Reads reads;
  private final BytesMap columnMeta;
  private final BytesMap columnChunks;
  private final JournalMaps journal;
  private final OffsetMap offsets;
  private final Tables tables;

  /** Completes waiters of the watermarks, so that the committer never runs their callbacks. */
  private final ExecutorService notifier =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "ormdb-commit-notifier");
            t.setDaemon(true);
            return t;
          });

  private final Watermark visibleMark;

  private Engine(StoreConfig config, boolean replica, StoreFile file) {
    this.replica = replica;
    this.file = file;
    StoreMaps maps = new StoreMaps(file);
    if (config.readOnly()) {
      // replaying would write the file: a read-only open needs a log with nothing to replay
      LogScan.requireNothingToReplay(Path.of(config.dataDir()), file.file(), maps.meta);
      this.wal = null;
    } else {
      this.wal = WriteAheadLog.open(config, file, maps);
    }
    try {
      this.catalogs = new CatalogHistory(maps.catalog);
      if (!config.readOnly()) {
        file.claimRole(maps.meta, replica);
      }
      this.tables = new Tables(maps);
      this.at = Recovery.recover(file, tables, catalogs);
      KeyUpgrade.run(file, tables);
      this.history = History.load(tables.meta);
      at.epochStart = history.current().firstLsn();
      WriteAheadLog.OpenReport opened = wal == null ? null : wal.opened();
      History.Epoch started =
          replica ? null : Recovery.startEpochIfLost(opened, history, tables, at);
      if (wal != null) {
        // also makes a new epoch durable before anything of it is published
        wal.startAfterOpen(at.last, at.next());
      }
      this.recovered = Recovery.report(file, opened, history, at, started != null);
    } catch (RuntimeException e) {
      if (wal != null) {
        wal.close();
      }
      throw e;
    }
    this.visibleMark = new Watermark(at.visible, notifier);
    this.committer = new Committer(config, file, wal, at);
    this.journal = new JournalMaps(committer, maps, notifier);
    this.offsets = new OffsetMap(committer, maps);
    this.columnMeta = new BytesMap(committer::onCommitter, maps.columnMeta);
    this.columnChunks = new BytesMap(committer::onCommitter, maps.columnChunks);
    this.compaction = new Compaction(config, tables, catalogs, at, offsets);
    this.reads = new Reads(file, tables, catalogs, at, history);
    SchemaApply schemas = new SchemaApply(tables, catalogs, at);
    committer.start(
        new Committer.Parts(
            catalogs,
            new WritePath(tables, catalogs, at, config.maxValueBytes()),
            schemas,
            new ReplicaApply(tables, catalogs, at, schemas, history),
            compaction,
            this::publishVisible));
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
    if (replica && config.readOnly()) {
      throw OrmDbException.invalid(
          "a read replica cannot be opened read-only: it writes the change sets of its primary");
    }
    return StoreFile.open(config, file -> new Engine(config, replica, file));
  }

  /** Whether this store was opened read-only ({@link StoreConfig#withReadOnly()}). */
  public boolean isReadOnly() {
    return file.isReadOnly();
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
    return tables.meta.map().get(StoreFile.DATABASE_ID);
  }

  // ---------------------------------------------------------------------------------------------
  // schema

  public SchemaBundle schema() {
    Catalog c = catalogs.latest();
    return c == null ? SchemaBundle.empty() : c.bundle;
  }

  public SchemaBundle schemaAt(long version) {
    return catalogs.bundle(version);
  }

  public List<Long> schemaVersions() {
    return catalogs.versions();
  }

  /** One applied schema version and the LSN after which it applies, oldest first. */
  public List<long[]> schemaHistory() {
    return catalogs.history();
  }

  public CompletableFuture<Long> applySchema(SchemaBundle bundle) {
    if (replica) {
      return CompletableFuture.failedFuture(readOnly("schema changes"));
    }
    return committer.submit(new Task.Schema(bundle)).future();
  }

  // ---------------------------------------------------------------------------------------------
  // writes

  public CompletableFuture<MutationResult> commit(MutationBatch batch) {
    if (replica) {
      return CompletableFuture.failedFuture(readOnly("writes"));
    }
    return committer.submit(new Task.Batch(batch)).future();
  }

  /**
   * Like {@link #commit}, for a caller that waits for the result: on an idle store the batch is
   * committed on the caller's thread, and the future is done when this returns.
   */
  public CompletableFuture<MutationResult> commitWaiting(MutationBatch batch) {
    if (replica) {
      return CompletableFuture.failedFuture(readOnly("writes"));
    }
    return committer.runOrSubmit(new Task.Batch(batch)).future();
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
    return committer.submit(new Task.Replicated(set)).future();
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
    return committer
        .submit(new Task.ReplicatedSchema(primaryId, version, appliedAtLsn, bundle))
        .future();
  }

  /**
   * Replica only: records the primary's history epoch {@code number}, which begins at {@code
   * firstLsn} and continues the history after {@code lastKept} (the replica must not have applied
   * anything after {@code lastKept}); completes once it is durable like a replicated change set,
   * with true, or with false when the replica had it already. INVALID_LSN when the replica applied
   * a change set the primary's recovery discarded, or has another epoch of that number.
   */
  public CompletableFuture<Boolean> applyReplicatedEpoch(int number, long firstLsn, long lastKept) {
    if (!replica) {
      return CompletableFuture.failedFuture(
          OrmDbException.invalid("applyReplicatedEpoch: this store is not a replica"));
    }
    return committer.submit(new Task.ReplicatedEpoch(number, firstLsn, lastKept)).future();
  }

  /**
   * Writes the file from the log now and waits until it is durable; the log starts over. Nothing to
   * do in memory.
   */
  public CompletableFuture<Void> checkpoint() {
    return committer.submit(new Task.Checkpoint()).future();
  }

  /** Runs one full compaction pass (in slices, interleaved with commits). */
  public CompletableFuture<Long> compact() {
    return committer.submit(new Task.Compact()).future();
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
    return committer.submit(new Task.Slice(slice)).future();
  }

  /** The one writer (for tests in this package). */
  Committer committer() {
    return committer;
  }

  /** The columnar store's checkpoint metadata map ({@code col.meta}); written only by a slice. */
  public BytesMap columnMeta() {
    return columnMeta;
  }

  /** The columnar store's checkpoint chunk map ({@code col.seg}); written only by a slice. */
  public BytesMap columnChunks() {
    return columnChunks;
  }

  // ---------------------------------------------------------------------------------------------
  // reads

  /** Reads of a closed store fail with this instead of MVStore's own exception. */
  private void requireOpen() {
    if (committer.isClosed()) {
      throw new OrmDbException(ErrorCode.INTERNAL, "the store is closed");
    }
  }

  public long currentLsn() {
    return at.visible;
  }

  public long oldestRetainedLsn() {
    return at.oldestRetained;
  }

  public long oldestChangelogLsn() {
    return at.oldestLog;
  }

  public ReadView snapshot() {
    requireOpen();
    return reads.snapshot();
  }

  public ReadView snapshotAt(long lsn) {
    requireOpen();
    return reads.snapshotAt(lsn, KeyOwner.ALL);
  }

  /**
   * {@link #snapshotAt(long)} restricted to the rows of one logical partition: the other rows are
   * skipped on their key bytes, before they are looked up or decoded.
   */
  public ReadView snapshotAt(long lsn, int partition, int partitions) {
    KeyOwner owner = KeyOwner.partition(partition, partitions);
    requireOpen();
    return reads.snapshotAt(lsn, owner);
  }

  public List<ChangeSet> changes(long fromLsnInclusive, int maxEntries) {
    return reads.changes(fromLsnInclusive, maxEntries);
  }

  /**
   * INVALID_LSN when a reader that has read change set {@code lsn} cannot go on in this history (a
   * recovery discarded that LSN, or it is past the newest).
   */
  public void checkRead(long lsn, String reader) {
    history.checkSeen(lsn, at.visible, reader);
  }

  /**
   * INVALID_LSN when a replica that has applied change set {@code lsn} cannot follow this store: a
   * recovery discarded that LSN, or it is past the newest.
   */
  public void checkReplica(long lsn) {
    history.checkReplica(lsn, at.visible);
  }

  /** What opening recovered. */
  public RecoveryReport recoveryReport() {
    return recovered;
  }

  /** The history epochs as {@code [epoch, firstLsn, lastLsnKept]}, oldest first. */
  public List<long[]> historyEpochs() {
    return history.epochs().stream()
        .map(e -> new long[] {e.number(), e.firstLsn(), e.lastKept()})
        .toList();
  }

  // ---------------------------------------------------------------------------------------------
  // journal, consumer offsets and commit notifications

  /** Called by the committer once a group is visible: wakes the waiters of the watermarks. */
  private void publishVisible() {
    visibleMark.publish(at.visible);
    journal.publish();
  }

  /** Completes (with the newest LSN) once a batch with an LSN above {@code lsn} is visible. */
  public CompletableFuture<Long> lsnAfter(long lsn) {
    return visibleMark.after(lsn);
  }

  /** Hands {@code task} to {@code executor} once a batch above {@code lsn} is visible. */
  public void runAfterLsn(long lsn, Executor executor, Consumer<Throwable> task) {
    visibleMark.runAfter(lsn, executor, task);
  }

  /** The store's Pekko Persistence storage. */
  public JournalMaps journal() {
    return journal;
  }

  /** Named change-feed consumer offsets. */
  public OffsetMap offsets() {
    return offsets;
  }

  /** Counters for tests and metrics. */
  public long[] stats() {
    return new long[] {
      at.batches(),
      committer.commits(),
      file.syncs() + (wal == null ? 0 : wal.syncs()),
      compaction.versionsRemoved(),
      wal == null ? 0 : wal.logBytes(),
      wal == null ? 0 : wal.checkpoints(),
      file.file() == null ? 0 : file.file().length(),
      file.fillRate()
    };
  }

  /**
   * For the crash tests: records of the write-ahead log replayed at open, bytes of a torn last
   * record ignored at open, space-reclamation passes since open and those of them that rewrote
   * chunks, checkpoints since open and those of them that finished (file synced, older segments
   * deleted); zeros in memory.
   */
  public long[] logActivity() {
    if (wal == null) {
      return new long[6];
    }
    WriteAheadLog.OpenReport opened = wal.opened();
    // written, then finished: fewer finished means one was in flight when they were read
    long written = wal.checkpoints();
    return new long[] {
      opened.replayedRecords(),
      opened.ignoredBytes(),
      wal.reclaimPasses(),
      wal.reclaimRewrites(),
      written,
      wal.checkpointsFinished()
    };
  }

  @Override
  public void close() {
    if (!committer.close()) {
      return;
    }
    boolean clean = committer.broken() == null;
    try {
      committer.closeLog();
    } catch (RuntimeException e) {
      clean = false;
      throw e;
    } finally {
      visibleMark.close();
      journal.close();
      notifier.shutdown();
      file.close(clean);
    }
  }

  /** The file this engine owns, or null in memory. */
  public File file() {
    return file.file();
  }
}

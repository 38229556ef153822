package io.ormdb.store;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.ExplainResult;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.columnar.ColumnStore;
import io.ormdb.store.internal.codec.ValueCodec;
import io.ormdb.store.internal.engine.Engine;
import io.ormdb.store.internal.file.BytesMap;
import io.ormdb.store.internal.file.FileCopy;
import io.ormdb.store.journal.ConsumerOffset;
import io.ormdb.store.journal.JournalStorage;
import io.ormdb.store.query.QueryBudget;
import io.ormdb.store.query.QueryEngine;
import io.ormdb.store.view.ReadView;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An ORMDB database: one MVStore file ({@code <dataDir>/ormdb.mv.db}) holding the catalog, rows,
 * indexes, changelog and columnar checkpoints, owned by one {@code OrmStore} per process.
 * Aggregates are answered from a {@link ColumnStore} kept up to date from the changelog and
 * checkpointed into the file.
 *
 * <p>Writes are {@link MutationBatch}es, applied atomically and in order by a single committer
 * thread that groups concurrent batches into one durable store commit. Reads go through {@link
 * ReadView} snapshots that never block writers; {@link #query}, {@link #aggregate} and {@link
 * #explain} take the snapshot (or the as-of view the query's read options ask for) and run the
 * store's {@link QueryEngine} on it. Thread-safe.
 */
public final class OrmStore implements AutoCloseable {
  private final Engine engine;
  private final ColumnStore columns;
  private final QueryEngine queries;

  private OrmStore(Engine engine) {
    this.engine = engine;
    this.columns =
        new ColumnStore(
            new ColumnStore.Changelog() {
              @Override
              public List<ChangeSet> changes(long fromLsn, int max) {
                return engine.changes(fromLsn, max);
              }

              @Override
              public long oldestRetainedLsn() {
                return engine.oldestRetainedLsn();
              }

              @Override
              public SchemaBundle schemaAt(long version) {
                return engine.schemaAt(version);
              }
            },
            engine.file() == null ? null : new Checkpoints(engine));
    this.queries = new QueryEngine(QueryEngine.DEFAULT_PLAN_CACHE_SIZE, columns);
  }

  /**
   * Opens or creates the store, recovering the last durable state. Fails with STORAGE_UNAVAILABLE
   * naming the file and the reason when it cannot be used: already open in this process, locked by
   * another one, a directory, not a database file or damaged, its directory cannot be created, or
   * the file, the data directory or the write-ahead log's directory is read-only (permissions, an
   * immutable attribute, a read-only file system); and when acknowledged commits cannot be
   * recovered (the write-ahead log is damaged before its end, or the file went back to an older
   * state), naming the last good LSN — unless the configuration asks for {@link
   * StoreConfig.Recovery#NEWEST_INTACT}. What the open recovered is in {@link #recoveryReport()}.
   * With {@link StoreConfig#withReadOnly()} it opens an existing store for reads only: every write
   * fails with READ_ONLY.
   */
  public static OrmStore open(StoreConfig config) {
    return new OrmStore(Engine.open(config));
  }

  /**
   * Opens or creates a read replica's store: tables change only through {@link #applyReplicated}
   * and {@link #applyReplicatedSchema} (the primary's change sets and schema versions, at the
   * primary's LSNs); {@link #commit} and {@link #applySchema} fail with READ_ONLY_REPLICA. Reads,
   * as-of reads, aggregates and change feeds work as on a primary. A file opened as a replica
   * refuses later to open as a primary.
   */
  public static OrmStore openReplica(StoreConfig config) {
    return new OrmStore(Engine.open(config, true));
  }

  /**
   * Verifies the data directory {@code dataDir} end to end without changing it: the file is opened
   * read-only and nothing is replayed. It checks the file's store headers and chunks (checksums,
   * page headers), reads every page of every map, and checks the changelog (every change set
   * decodes, LSNs contiguous within each history epoch), the rows (they decode, none is newer than
   * the changelog, live counts), the indexes (every entry the rows imply is there, and no other),
   * the columnar checkpoints (they read and equal the rows at their LSN) and the write-ahead log
   * after the file's checkpoint (readable, contiguous, this database's). The report lists what was
   * checked and every problem with its map, key or LSN.
   *
   * <p>INVALID_REQUEST when {@code dataDir} is not a data directory (missing, a file, no {@value
   * StoreConfig#FILE_NAME} in it); STORAGE_UNAVAILABLE naming the file and why when the file cannot
   * be opened at all: locked by a running store, open in this process, unreadable, or its store
   * headers damaged.
   */
  public static VerifyReport verify(java.nio.file.Path dataDir) {
    return io.ormdb.store.internal.engine.Verification.run(dataDir);
  }

  /** Whether this store was opened read-only ({@link StoreConfig#withReadOnly()}). */
  public boolean isReadOnly() {
    return engine.isReadOnly();
  }

  /** Whether this store is a read replica ({@link #openReplica}). */
  public boolean isReplica() {
    return engine.isReplica();
  }

  /**
   * The database's id: random when a primary's file is created, copied by its replicas (empty for a
   * replica that has received nothing yet). A replica refuses a primary with another id.
   */
  public Optional<String> databaseId() {
    return Optional.ofNullable(engine.databaseId());
  }

  /** One schema version of the history and the LSN after which it applies. */
  public record SchemaVersion(long version, long appliedAtLsn) {}

  /** The schema history, oldest first: what a replica must apply, and where. */
  public List<SchemaVersion> schemaHistory() {
    List<SchemaVersion> out = new java.util.ArrayList<>();
    for (long[] v : engine.schemaHistory()) {
      out.add(new SchemaVersion(v[0], v[1]));
    }
    return out;
  }

  /**
   * Replica only: applies a change set the primary committed (its LSN must follow the last applied
   * one, past the hole before a history epoch the replica recorded with {@link
   * #applyReplicatedEpoch}; one at or below it is skipped). Completes with the LSN once it is
   * committed and durable (SYNC) — replicated change sets share group commits like batches.
   * INVALID_LSN for a gap or a schema version the replica lacks; nothing is written then.
   */
  public CompletableFuture<Long> applyReplicated(ChangeSet set) {
    return engine.applyReplicated(set);
  }

  /**
   * Replica only: applies schema {@code version} of the primary {@code primaryId}, which applies
   * after LSN {@code appliedAtLsn} (the replica must be exactly there). A version it already has is
   * skipped; another primary's id is refused.
   */
  public CompletableFuture<Long> applyReplicatedSchema(
      String primaryId, long version, long appliedAtLsn, SchemaBundle bundle) {
    return engine.applyReplicatedSchema(primaryId, version, appliedAtLsn, bundle);
  }

  /**
   * Replica only: records the primary's history epoch {@code epoch} ({@link #historyEpochs()}), as
   * the replication stream delivers it before the epoch's first change set. A replica that has not
   * applied anything after {@code epoch.lastLsnKept()} records it in its own file (meta {@code
   * history.epochs} / {@code history.forks}, through the committer: atomic and durable like a
   * replicated change set) and expects the next change set after {@code lastLsnKept} at {@code
   * firstLsn}; its changelog reads skip the hole as the primary's do. Completes with true, or with
   * false when the replica had the epoch already. INVALID_LSN, and nothing written, when the
   * replica applied a change set the primary's recovery discarded (it must be re-seeded), or holds
   * another epoch of that number.
   */
  public CompletableFuture<Boolean> applyReplicatedEpoch(HistoryEpoch epoch) {
    return engine.applyReplicatedEpoch(epoch.epoch(), epoch.firstLsn(), epoch.lastLsnKept());
  }

  /**
   * INVALID_LSN when a replica that has applied the change set at {@code lastAppliedLsn} (0:
   * nothing yet) cannot follow this store: a recovery discarded that LSN — the message says where
   * the history diverged and that the replica must be re-seeded — or it is past the newest commit.
   * A primary checks a replica's position with it before it streams to it.
   */
  public void checkReplicaPosition(long lastAppliedLsn) {
    engine.checkReplica(lastAppliedLsn);
  }

  /**
   * Validates and applies a schema; returns its version. Every problem of an invalid schema is
   * listed in one INVALID_REQUEST error; an incompatible change is refused (INVALID_REQUEST), as is
   * a new constraint that existing rows violate (CONSTRAINT_VIOLATION). A schema equal to the
   * current one (its version number aside) is not applied again: the current version is returned
   * and nothing is written, so an application may apply its schema at every start.
   */
  public long applySchema(SchemaBundle bundle) {
    return join(engine.applySchema(bundle));
  }

  /** The current schema ({@link SchemaBundle#empty()} before the first one is applied). */
  public SchemaBundle schema() {
    return engine.schema();
  }

  /** A schema version from the history (NOT_FOUND when there is no such version). */
  public SchemaBundle schemaAt(long version) {
    return engine.schemaAt(version);
  }

  /** Every applied schema version, oldest first. */
  public List<Long> schemaVersions() {
    return engine.schemaVersions();
  }

  /**
   * Commits a batch atomically and returns once it is durable per the configured durability mode.
   * Throws the batch's OrmDbException when it was refused; nothing of it was written then.
   */
  public MutationResult commit(MutationBatch batch) {
    return join(commitBatch(batch, true));
  }

  /** Like {@link #commit} without blocking; the future fails with an OrmDbException. */
  public CompletableFuture<MutationResult> commitAsync(MutationBatch batch) {
    return commitBatch(batch, false);
  }

  /**
   * The batch checked, then committed by the store's committer thread, or — when the caller waits
   * and no other write is queued or running — on the caller's own thread (no hand-off either way).
   */
  private CompletableFuture<MutationResult> commitBatch(MutationBatch batch, boolean waiting) {
    List<Mutation> ms = batch.mutations();
    for (int i = 0; i < ms.size(); i++) {
      try {
        // on the caller's thread: the committer's recursive steps never see a too-deep mutation
        MutationValidator.checkNesting(ms.get(i));
      } catch (OrmDbException e) {
        return CompletableFuture.failedFuture(e.within(ms.get(i).context(i)));
      }
    }
    return waiting ? engine.commitWaiting(batch) : engine.commit(batch);
  }

  /**
   * Runs a request on the caller's thread. Its input is checked against {@link
   * io.ormdb.protocol.Nesting#MAX_LEVELS} before anything recursive walks it; should a
   * StackOverflowError happen all the same, it unwound only the request's own frames, so it becomes
   * the request's INTERNAL error instead of reaching the caller as an Error. Other
   * VirtualMachineErrors (OutOfMemoryError, InternalError) are deliberately left alone: the JVM
   * itself may be unwell, and turning them into one request's error would hide that.
   */
  private static <T> T guarded(Supplier<T> request) {
    try {
      return request.get();
    } catch (StackOverflowError e) {
      throw OrmDbException.stackOverflow(e);
    }
  }

  /** A read view at the newest committed LSN. Close it when done. */
  public ReadView snapshot() {
    return engine.snapshot();
  }

  /**
   * A read view of the state right after batch {@code lsn}. INVALID_LSN when the LSN is older than
   * the retained history or newer than the newest commit; the message names the oldest one.
   */
  public ReadView snapshotAt(long lsn) {
    return engine.snapshotAt(lsn);
  }

  /**
   * {@link #snapshotAt(long)} restricted to one logical partition ({@link Partitioning}): every
   * read returns only rows whose identity is in partition {@code partition} of {@code partitions}
   * (a lookup of another partition's identity finds nothing). Rows of other partitions are skipped
   * on their key bytes, before they are fetched or decoded, so reading a partition costs about its
   * share of the rows (an index walk still passes over every entry in its range).
   */
  public ReadView snapshotAt(long lsn, int partition, int partitions) {
    return engine.snapshotAt(lsn, partition, partitions);
  }

  /**
   * Runs a graph query at one snapshot: the newest, or the state right after {@code
   * readOptions().asOfLsn()} when that is set (INVALID_LSN outside the retained history).
   */
  public QueryResult query(GraphQuery q) {
    return query(q, Map.of());
  }

  /** Like {@link #query(GraphQuery)}, with the session attributes RLS policies refer to. */
  public QueryResult query(GraphQuery q, Map<String, Value> sessionAttributes) {
    return guarded(
        () -> {
          try (ReadView view = view(q.readOptions())) {
            return queries.query(view, q, sessionAttributes);
          }
        });
  }

  /** Runs an aggregate at one snapshot (or as of its read options' LSN). */
  public AggregateResult aggregate(AggregateQuery q) {
    return aggregate(q, QueryBudget.DEFAULT);
  }

  /**
   * Like {@link #aggregate(AggregateQuery)} with a budget: more groups than its {@code maxEntities}
   * fail with BUDGET_EXCEEDED ({@link QueryBudget#DEFAULT}: 10,000).
   */
  public AggregateResult aggregate(AggregateQuery q, QueryBudget budget) {
    return guarded(
        () -> {
          try (ReadView view = view(q.readOptions())) {
            return queries.aggregate(view, q, Map.of(), budget);
          }
        });
  }

  /** Explains a graph query; with {@code analyze} it also runs it and reports actual rows. */
  public ExplainResult explain(GraphQuery q, boolean analyze) {
    return guarded(
        () -> {
          try (ReadView view = view(q.readOptions())) {
            return queries.explain(view, q, analyze);
          }
        });
  }

  /**
   * How {@link #aggregate} reads the input of {@code q}: {@code columnar}, or the identity or an
   * index ({@code primary-key}, {@code index-eq}) when its filter looks rows up by keys.
   */
  public ExplainResult explain(AggregateQuery q) {
    return guarded(
        () -> {
          try (ReadView view = view(q.readOptions())) {
            return queries.explainAggregate(view, q, Map.of());
          }
        });
  }

  /**
   * The columnar store this store's aggregates read (maintained from the changelog; falls back to
   * scanning rows when it cannot serve a view). Its counters tell how aggregates were served.
   */
  public ColumnStore columnStore() {
    return columns;
  }

  /** The query engine this store's read methods use (to run queries on a view of your own). */
  public QueryEngine queryEngine() {
    return queries;
  }

  private ReadView view(ReadOptions options) {
    return options.asOfLsn() > 0 ? snapshotAt(options.asOfLsn()) : snapshot();
  }

  /**
   * Up to {@code maxEntries} committed change sets from {@code fromLsnInclusive}, in LSN order,
   * skipping the LSNs between two history epochs ({@link #historyEpochs()}). INVALID_LSN naming the
   * oldest available LSN when {@code fromLsnInclusive} is older than the changelog's retention
   * ({@link #oldestChangelogLsn()}); INVALID_LSN saying where the history diverged when the LSN
   * before it was discarded by a recovery, or is past the newest commit.
   */
  public List<ChangeSet> changes(long fromLsnInclusive, int maxEntries) {
    return engine.changes(fromLsnInclusive, maxEntries);
  }

  /**
   * INVALID_LSN when a reader that has read the change set at {@code lastReadLsn} (0: nothing yet)
   * cannot go on reading this store's changelog after it: a recovery discarded that LSN (the
   * message says where the history diverged, in which epoch, and what to do), or it is past the
   * newest commit. Feeds, consumers and replication check the position they resume from with it.
   */
  public void checkReadPosition(long lastReadLsn, String reader) {
    engine.checkRead(lastReadLsn, reader);
  }

  /**
   * What opening this store recovered: the log records replayed, the LSN it opened at, the bytes at
   * the end of the log it ignored, the history epoch and whether this open started it. Its {@link
   * RecoveryReport#warning()} was logged (System.Logger {@code io.ormdb.store}, WARNING).
   */
  public RecoveryReport recoveryReport() {
    return engine.recoveryReport();
  }

  /**
   * One history epoch: the changelog from {@code firstLsn} on, continuing the history before it
   * after {@code lastLsnKept}; the LSNs between the two name nothing (a recovery discarded them).
   */
  public record HistoryEpoch(int epoch, long firstLsn, long lastLsnKept) {}

  /** The history epochs, oldest first (one, epoch 1 from LSN 1, until a recovery discarded any). */
  public List<HistoryEpoch> historyEpochs() {
    return engine.historyEpochs().stream()
        .map(e -> new HistoryEpoch((int) e[0], e[1], e[2]))
        .toList();
  }

  /**
   * Completes with the newest LSN once a batch with an LSN above {@code lsn} is committed and
   * visible (at once when one already is); fails when the store closes first. Completion runs on a
   * store notification thread: keep callbacks short and never block in them. This is how change
   * feeds wait for commits without polling.
   */
  public CompletableFuture<Long> lsnAfter(long lsn) {
    return engine.lsnAfter(lsn);
  }

  /**
   * Hands {@code task} to {@code executor} once a batch with an LSN above {@code lsn} is committed
   * and visible (at once, from the caller, when one already is), with null; when the store closes
   * first, with the failure. Where a callback of {@link #lsnAfter} starts two thread hand-offs
   * after the commit (the store's notification thread, then the callback's own executor), this task
   * starts after one: the thread that makes the commit visible queues it on {@code executor}
   * itself. So {@code executor.execute} must only queue (a thread pool or a Pekko dispatcher),
   * never run the task in place or block; a task it rejects runs on the notification thread.
   */
  public void runAfterLsn(long lsn, Executor executor, Consumer<Throwable> task) {
    engine.runAfterLsn(lsn, executor, task);
  }

  /**
   * The store's Pekko Persistence storage (events of ordinary persistence ids, tags, snapshots),
   * kept in the same file and written through the same group commit as the tables.
   */
  public JournalStorage journal() {
    return engine.journal();
  }

  /**
   * Stores the offset of the named change-feed consumer; the future completes once it is durable
   * (it shares the group commit of concurrent batches).
   */
  public CompletableFuture<Void> commitOffset(String consumer, ConsumerOffset offset) {
    return engine.offsets().commit(consumer, offset);
  }

  /** The stored offset of the named consumer, if it ever committed one. */
  public Optional<ConsumerOffset> consumerOffset(String consumer) {
    return engine.offsets().get(consumer);
  }

  /** Forgets the named consumer's offset, durably. */
  public CompletableFuture<Void> removeConsumerOffset(String consumer) {
    return engine.offsets().remove(consumer);
  }

  /** The LSN of the newest committed (visible) batch; 0 when none. */
  public long currentLsn() {
    return engine.currentLsn();
  }

  /**
   * The oldest LSN whose change set {@link #changes} can still return (1 until compaction removed
   * entries older than {@link StoreConfig#changelogRetention()}).
   */
  public long oldestChangelogLsn() {
    return engine.oldestChangelogLsn();
  }

  /** The oldest LSN {@link #snapshotAt} accepts. */
  public long oldestRetainedLsn() {
    return engine.oldestRetainedLsn();
  }

  /**
   * Runs one compaction pass now (it also runs every {@link StoreConfig#compactionInterval()}):
   * removes row versions and tombstones older than the retention window. Returns the number
   * removed. Runs in slices between commits; readers are never blocked.
   */
  public long compact() {
    return join(engine.compact());
  }

  /**
   * Takes a checkpoint now and waits for it: the database file is written from the write-ahead log
   * and synced, and the log starts over (the store also takes one every {@link
   * StoreConfig.Checkpoints#interval()} or {@link StoreConfig.Checkpoints#logBytes()} of log). A
   * no-op in memory.
   */
  public void checkpoint() {
    join(engine.checkpoint());
  }

  /**
   * Rewrites the database file of a closed store densely and gives the free space back to the file
   * system: opens it once (the write-ahead log is replayed and a last checkpoint written at close),
   * copies every map in key order into a new file, syncs it, and moves it over the old one. The
   * store must not be open anywhere (an open store refuses with STORAGE_UNAVAILABLE). An open store
   * reclaims space by itself ({@link StoreConfig.Checkpoints}); use this after deleting much data,
   * or before copying the file.
   */
  public static FileCompaction compactFile(StoreConfig config) {
    if (config.isInMemory()) {
      throw OrmDbException.invalid("an in-memory store has no file to compact");
    }
    open(config).close();
    FileCopy.Sizes s = FileCopy.compact(config);
    return new FileCompaction(s.before(), s.after());
  }

  public StoreStats stats() {
    long[] s = engine.stats();
    return new StoreStats(
        s[0],
        s[1],
        s[2],
        s[3],
        engine.currentLsn(),
        engine.oldestRetainedLsn(),
        s[4],
        s[5],
        s[6],
        (int) s[7]);
  }

  /**
   * For the crash tests (package-private; the node's tests reach it through a class of this package
   * in their own sources): what this open replayed from the write-ahead log and what space
   * reclamation did since.
   *
   * @param replayedRecords records of the log replayed onto the file's checkpoint at open
   * @param tornBytesIgnored bytes of a torn last record ignored at open (never acknowledged)
   * @param reclaimPasses space-reclamation passes finished since open
   * @param reclaimRewrites those of them that rewrote chunks
   * @param checkpoints checkpoints written since open
   * @param checkpointsFinished those of them whose file sync and deletion of older log segments are
   *     done (one fewer while a checkpoint is in flight)
   */
  record LogActivity(
      long replayedRecords,
      long tornBytesIgnored,
      long reclaimPasses,
      long reclaimRewrites,
      long checkpoints,
      long checkpointsFinished) {}

  LogActivity logActivity() {
    long[] a = engine.logActivity();
    return new LogActivity(a[0], a[1], a[2], a[3], a[4], a[5]);
  }

  /**
   * Finishes queued work, checkpoints the columnar store, writes and syncs the file and releases
   * it.
   */
  @Override
  public void close() {
    try {
      columns.checkpoint().get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      // a checkpoint is an optimization: the columns are rebuilt from the rows without it
    }
    engine.close();
  }

  /** The column store's checkpoints: two maps of the store file, written by the committer. */
  private static final class Checkpoints implements ColumnStore.Checkpoints {
    private final Engine engine;
    private final ColumnStore.Bytes meta;
    private final ColumnStore.Bytes chunks;

    Checkpoints(Engine engine) {
      this.engine = engine;
      this.meta = bytes(engine.columnMeta());
      this.chunks = bytes(engine.columnChunks());
    }

    private static ColumnStore.Bytes bytes(BytesMap map) {
      return new ColumnStore.Bytes() {
        @Override
        public byte[] get(byte[] key) {
          return map.get(key);
        }

        @Override
        public byte[] higherKey(byte[] key) {
          return map.higherKey(key);
        }

        @Override
        public void put(byte[] key, byte[] value) {
          map.put(key, value);
        }

        @Override
        public void remove(byte[] key) {
          map.remove(key);
        }
      };
    }

    @Override
    public ColumnStore.Bytes meta() {
      return meta;
    }

    @Override
    public ColumnStore.Bytes chunks() {
      return chunks;
    }

    @Override
    public CompletableFuture<Void> write(BooleanSupplier slice) {
      if (engine.isReadOnly()) {
        // checkpoints are an optimization: a read-only store builds its columns in memory only
        return CompletableFuture.completedFuture(null);
      }
      return engine.runOnCommitter(slice);
    }

    @Override
    public Set<String> entities() {
      Set<String> out = new HashSet<>();
      engine.schema().entities().forEach(e -> out.add(e.name()));
      return out;
    }

    @Override
    public byte[] encodeValues(Value[] values, int from, int to) {
      return ValueCodec.encodeAll(values, from, to);
    }

    @Override
    public List<Value> decodeValues(byte[] bytes, int offset) {
      return ValueCodec.decodeAll(bytes, offset);
    }
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OrmDbException(ErrorCode.INTERNAL, "interrupted while waiting for the store", e);
    } catch (ExecutionException | CompletionException e) {
      // thrown again on the caller's thread, so that its stack shows who waited
      OrmDbException o = OrmDbException.of(e, "the store call");
      throw new OrmDbException(o.code(), o.getMessage(), o);
    }
  }
}

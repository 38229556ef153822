package io.ormdb.store.internal.engine;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.internal.file.LoggedMap;
import io.ormdb.store.internal.file.StoreFile;
import io.ormdb.store.internal.file.StoreMaps;
import io.ormdb.store.internal.wal.RedoBuffer;
import io.ormdb.store.internal.wal.WalReader;
import io.ormdb.store.internal.wal.WalWriter;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Durability of the store file through a write-ahead log ({@code <data-dir>/wal}). Every write the
 * committer makes to the maps during a group is recorded ({@link LoggedMap.Recorder}); the group's
 * record is appended to the log and synced — the commit point — and only then are the group's
 * writes acknowledged. The file itself is written at checkpoints: between two groups the committer
 * writes the maps as they are (every change in them is then in the log, so the file never holds a
 * change the log does not), starts a new log segment, and records in the file the group the
 * checkpoint covers and the segment that follows it; a background thread then syncs the file,
 * deletes the segments the checkpoint made unnecessary, and rewrites the live data of the file's
 * sparsest chunks (bounded by {@code rewriteBytes}) so that their space can be reused.
 *
 * <p>At open, the records after the file's checkpoint are replayed onto the maps (every write sets
 * a key to an absolute value, so replaying onto a checkpoint is exact), and a checkpoint follows. A
 * torn last record — a crash during an append; never acknowledged — is ignored and reported. A log
 * that cannot be replayed to its end (a missing segment, a gap, damage followed by more log, a file
 * that went back to an older checkpoint) means acknowledged commits would be lost: the open is
 * refused with STORAGE_UNAVAILABLE.
 *
 * <p>An in-memory store has no log.
 */
final class WriteAheadLog implements AutoCloseable {
  /** Meta key: the first log segment after the file's checkpoint. */
  static final String SEGMENT = "wal.segment";

  /** Meta key: the last group the file's checkpoint holds. */
  static final String GROUP = "wal.group";

  /** Meta key: the newest LSN the file's checkpoint holds. */
  static final String LSN = "wal.lsn";

  /** Meta key: the id of this file, which its log segments carry. */
  static final String FILE_ID = "file.id";

  /** The log's directory inside the data directory. */
  static final String DIRECTORY = "wal";

  private final StoreConfig.Checkpoints policy;
  private final StoreFile file;
  private final StoreMaps maps;
  private final Path dir;
  private final UUID fileId;
  private final RedoBuffer redo = new RedoBuffer();
  private final LoggedMap.Recorder recorder =
      new LoggedMap.Recorder() {
        @Override
        public void put(int map, byte[] key, byte[] value) {
          redo.put(map, key, value);
        }

        @Override
        public void remove(int map, byte[] key) {
          redo.remove(map, key);
        }
      };

  private final ExecutorService background =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "ormdb-checkpointer");
            t.setDaemon(true);
            return t;
          });

  private final AtomicLong checkpoints = new AtomicLong();
  private final AtomicLong syncs = new AtomicLong();
  private final AtomicLong logBytesBefore = new AtomicLong();
  private final AtomicLong reclaimPasses = new AtomicLong();
  private final AtomicLong reclaimRewrites = new AtomicLong();
  private final OpenReport opened;

  // committer-owned
  private WalWriter writer;
  private long group;
  private long nextSegment;
  private long checkpointNanos = System.nanoTime();
  private long bytesAtCheckpoint;
  private boolean loggedSinceCheckpoint;
  private Future<?> synced = CompletableFuture.completedFuture(null);
  private volatile Throwable backgroundFailure;

  /** What opening found in the log. */
  record OpenReport(long replayedRecords, long replayedToLsn, Path tornFile, long ignoredBytes) {}

  private WriteAheadLog(
      StoreConfig config,
      StoreFile file,
      StoreMaps maps,
      Path dir,
      UUID fileId,
      long group,
      long nextSegment,
      OpenReport opened) {
    this.policy = config.checkpoints();
    this.file = file;
    this.maps = maps;
    this.dir = dir;
    this.fileId = fileId;
    this.group = group;
    this.nextSegment = nextSegment;
    this.opened = opened;
  }

  /**
   * Opens the log of a file store: replays what follows the file's checkpoint onto the maps, or
   * starts a log for a file that has none. Must run before anything reads the maps' contents. Null
   * for an in-memory store.
   */
  static WriteAheadLog open(StoreConfig config, StoreFile file, StoreMaps maps) {
    if (config.isInMemory()) {
      return null;
    }
    Path dir = Path.of(config.dataDir()).resolve(DIRECTORY);
    String segment = maps.meta.map().get(SEGMENT);
    if (segment == null) {
      return start(config, file, maps, dir);
    }
    UUID id = UUID.fromString(maps.meta.map().get(FILE_ID));
    long afterGroup = Long.parseLong(maps.meta.map().get(GROUP));
    long afterLsn = Long.parseLong(maps.meta.map().get(LSN));
    WalReader.Replay r;
    try {
      r =
          WalReader.replay(
              dir,
              id,
              Long.parseLong(segment),
              afterGroup,
              afterLsn,
              false,
              new RedoBuffer.Target() {
                @Override
                public void put(int map, byte[] key, byte[] value) {
                  maps.byId(map).replayPut(key, value);
                }

                @Override
                public void remove(int map, byte[] key) {
                  maps.byId(map).replayRemove(key);
                }
              });
    } catch (WalReader.DamageException e) {
      throw damaged(file, e.damage(), afterLsn);
    }
    long newest = Math.max(WalReader.newestSegment(dir), Long.parseLong(segment));
    return new WriteAheadLog(
        config,
        file,
        maps,
        dir,
        id,
        r.lastGroup(),
        newest + 1,
        new OpenReport(r.records(), r.lastLsn(), r.tornFile(), r.ignoredBytes()));
  }

  /** A file without a log (new, or written before the log existed): its first segment. */
  private static WriteAheadLog start(StoreConfig config, StoreFile file, StoreMaps maps, Path dir) {
    long newest = WalReader.newestSegment(dir);
    if (newest >= 0 && !WalReader.deleteIfEmpty(dir)) {
      throw new OrmDbException(
          ErrorCode.STORAGE_UNAVAILABLE,
          "database file "
              + file.file()
              + " records no checkpoint of the write-ahead log in "
              + dir
              + ", which holds segments: the file may have been replaced by another or by an"
              + " older copy. Move the log away only if you know this file is the newest state");
    }
    String existing = maps.meta.map().get(FILE_ID);
    UUID id = existing == null ? UUID.randomUUID() : UUID.fromString(existing);
    maps.meta.put(FILE_ID, id.toString());
    WriteAheadLog log =
        new WriteAheadLog(config, file, maps, dir, id, 0, 1, new OpenReport(0, 0, null, 0));
    return log;
  }

  private static OrmDbException damaged(StoreFile file, WalReader.Damage d, long checkpointLsn) {
    return new OrmDbException(
        ErrorCode.STORAGE_UNAVAILABLE,
        "database file "
            + file.file()
            + " cannot be opened without losing acknowledged commits: "
            + d.detail()
            + ". The file's checkpoint holds lsn "
            + checkpointLsn
            + " and the log could be replayed to lsn "
            + d.lastLsn()
            + (d.maxLsnSeen() > d.lastLsn()
                ? ", but commits up to lsn " + d.maxLsnSeen() + " were written"
                : "")
            + ". Restore the data directory from a backup");
  }

  /** What opening found: records replayed, a torn tail ignored. */
  OpenReport opened() {
    return opened;
  }

  /**
   * After the store's positions are known at open: takes a checkpoint, so that what was replayed is
   * in the file and the log starts a fresh segment.
   */
  void startAfterOpen(long lastLsn) {
    checkpoint(lastLsn, true);
  }

  // ---------------------------------------------------------------------------------------------
  // groups (committer thread)

  /** Starts recording the writes of a group. */
  void beginGroup() {
    redo.clear();
    maps.record(recorder);
  }

  /**
   * Stops recording; appends the group's record when it wrote anything (true). Not yet durable:
   * {@link #sync}.
   */
  boolean endGroup(long lastLsn) {
    maps.record(null);
    if (redo.count() == 0) {
      return false;
    }
    group++;
    writer.append(redo, group, lastLsn);
    loggedSinceCheckpoint = true;
    return true;
  }

  /** Stops recording after a group failed (the store is broken; nothing of it is appended). */
  void abortGroup() {
    maps.record(null);
  }

  /** Makes every appended record durable (one fsync for the whole group). */
  void sync() {
    writer.sync();
    syncs.incrementAndGet();
  }

  /** Log fsyncs of commit groups since the store was opened. */
  long syncs() {
    return syncs.get();
  }

  /** Whether a checkpoint is due: log size, memory held, or time since the last one. */
  boolean checkpointDue() {
    if (!loggedSinceCheckpoint || !synced.isDone()) {
      return false;
    }
    return writer.appendedBytes() - bytesAtCheckpoint >= policy.logBytes()
        || file.unsavedMemory() >= 4 * policy.logBytes()
        || System.nanoTime() - checkpointNanos >= policy.interval().toNanos();
  }

  /**
   * Writes the maps to the file as they are (the committer is between groups: every change in them
   * is in the synced log), starts a new segment, and records the checkpoint in the file. With
   * {@code wait}, also syncs the file and deletes the old segments before returning; otherwise the
   * background thread does that, then reclaims space.
   */
  void checkpoint(long lastLsn, boolean wait) {
    Throwable failed = backgroundFailure;
    if (failed != null) {
      throw OrmDbException.internal("a checkpoint failed: " + failed, failed);
    }
    // The file reuses dead chunks' space at once (no retention time): the previous checkpoint must
    // be synced before this one may overwrite what the file's synced version still points to.
    awaitSynced();
    long segment = nextSegment++;
    if (writer != null) {
      writer.sync();
      logBytesBefore.addAndGet(writer.appendedBytes());
      writer.close();
    }
    writer = WalWriter.create(dir, fileId, segment, group + 1, lastLsn);
    maps.meta.put(SEGMENT, Long.toString(segment));
    maps.meta.put(GROUP, Long.toString(group));
    maps.meta.put(LSN, Long.toString(lastLsn));
    file.commit();
    checkpoints.incrementAndGet();
    checkpointNanos = System.nanoTime();
    bytesAtCheckpoint = writer.appendedBytes();
    loggedSinceCheckpoint = false;
    Runnable after =
        () -> {
          file.sync();
          WalWriter.deleteBefore(dir, segment);
        };
    if (wait) {
      after.run();
      return;
    }
    synced =
        background.submit(
            () -> {
              try {
                after.run();
              } catch (Throwable e) {
                backgroundFailure = e;
              }
            });
    if (policy.rewriteBytes() > 0) {
      background.execute(
          () -> {
            try {
              if (file.compact(policy.targetFillRate(), policy.rewriteBytes())) {
                reclaimRewrites.incrementAndGet();
              }
              reclaimPasses.incrementAndGet();
            } catch (Throwable e) {
              backgroundFailure = e;
            }
          });
    }
  }

  private void awaitSynced() {
    try {
      synced.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw OrmDbException.internal("interrupted while a checkpoint was synced", e);
    } catch (ExecutionException e) {
      throw OrmDbException.internal("a checkpoint failed: " + e.getCause(), e.getCause());
    }
  }

  /** Write-ahead-log bytes appended since the store was opened. */
  long logBytes() {
    return logBytesBefore.get() + (writer == null ? 0 : writer.appendedBytes());
  }

  /** Checkpoints taken since the store was opened. */
  long checkpoints() {
    return checkpoints.get();
  }

  /** Space-reclamation passes finished since the store was opened. */
  long reclaimPasses() {
    return reclaimPasses.get();
  }

  /** Space-reclamation passes since the store was opened that rewrote chunks. */
  long reclaimRewrites() {
    return reclaimRewrites.get();
  }

  /**
   * Takes a last checkpoint and waits for it (a clean close leaves nothing to replay), then stops
   * the background thread. Committer thread, after its last group.
   */
  void closeCleanly(long lastLsn) {
    finishBackground();
    checkpoint(lastLsn, true);
    writer.close();
  }

  /** Stops without a checkpoint (the store failed): what the log holds is replayed at next open. */
  @Override
  public void close() {
    finishBackground();
    if (writer != null) {
      writer.close();
    }
  }

  private void finishBackground() {
    background.shutdown();
    try {
      background.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

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
 * writes acknowledged. The log's segments are preallocated ({@link WalWriter}), so a commit's
 * fdatasync writes the record's pages and no file-system metadata. The file itself is written at
 * checkpoints: between two groups the committer takes the maps as they are (every change in them is
 * then in the log, so the file never holds a change the log does not) and records in the file the
 * group the checkpoint covers and the segment being written (whose records up to that group a
 * replay skips); MVStore's threads write that version while the next groups run, and a background
 * thread then syncs the file, deletes the segments before that one, and rewrites the live data of
 * the file's sparsest chunks (bounded by {@code rewriteBytes}) so that their space can be reused.
 *
 * <p>At open, the records after the file's checkpoint are replayed onto the maps (every write sets
 * a key to an absolute value, so replaying onto a checkpoint is exact), and a checkpoint follows. A
 * tail the reader cannot use (a record cut short by a crash during an append, or a damaged last
 * record) is ignored and reported. A file that went back to an older checkpoint whose segment is
 * still there replays from it and loses nothing. A log that cannot be replayed to its end (a
 * missing segment, a gap, damage followed by more log) means acknowledged commits would be lost:
 * the open is refused with STORAGE_UNAVAILABLE, unless the configuration asks for {@link
 * StoreConfig.Recovery#NEWEST_INTACT}, when replay stops at the damage and the report says what was
 * found ({@link History} then starts a new epoch).
 *
 * <p>LSNs are reserved ahead in the file ({@value #RESERVED}): a checkpoint records an LSN up to
 * which the store may commit before the next checkpoint, at least {@link #RESERVE} past the newest,
 * and a group whose LSNs would pass it is followed by a checkpoint, waited for, before it is
 * acknowledged. A checkpoint that raises the reservation moves the log to a new segment, whose
 * header names the LSN the reservation was raised from, and deletes the older segments once the
 * file is synced. So every LSN ever acknowledged is at most the reservation the file's newest
 * checkpoint holds, even when the log's tail is lost, and at most {@code RESERVE} past the newest
 * LSN the log before the loss mentions (in a record or a segment header): a recovery that discards
 * history starts the new epoch past that.
 *
 * <p>An in-memory store has no log.
 */
final class WriteAheadLog implements AutoCloseable {
  /** Meta key: the log segment being written at the file's checkpoint. */
  static final String SEGMENT = "wal.segment";

  /** Meta key: the last group the file's checkpoint holds. */
  static final String GROUP = "wal.group";

  /** Meta key: the newest LSN the file's checkpoint holds. */
  static final String LSN = "wal.lsn";

  /** Meta key: the id of this file, which its log segments carry. */
  static final String FILE_ID = "file.id";

  /** Meta key: the newest LSN that may be committed before the next checkpoint. */
  static final String RESERVED = "lsn.reserved";

  /** How far past the newest LSN a checkpoint reserves LSNs. */
  static final long RESERVE = 1L << 20;

  /** The log's directory inside the data directory. */
  static final String DIRECTORY = "wal";

  private final StoreConfig.Checkpoints policy;

  /** The unsaved pages ({@link StoreFile#unsavedMemory}) that make a checkpoint due. */
  private final long memoryLimit;

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
  private final AtomicLong checkpointsFinished = new AtomicLong();
  private final AtomicLong reclaimPasses = new AtomicLong();
  private final AtomicLong reclaimRewrites = new AtomicLong();
  private final OpenReport opened;

  // committer-owned
  private WalWriter writer;
  private long group;
  private final long nextSegment;
  private long reserved;
  private long checkpointNanos = System.nanoTime();
  private long bytesAtCheckpoint;
  private boolean loggedSinceCheckpoint;
  private Future<?> synced = CompletableFuture.completedFuture(null);
  private volatile Throwable backgroundFailure;

  /**
   * What opening found in the log.
   *
   * @param replayedRecords log records replayed onto the file's checkpoint
   * @param replayedToLsn the newest LSN after the replay
   * @param tornFile the segment whose tail was ignored, or null
   * @param ignoredBytes the bytes ignored at its end
   * @param damage null, or what made recovery stop before the end of the log (with {@link
   *     StoreConfig.Recovery#NEWEST_INTACT} only: else the open was refused)
   * @param newestSeen the newest LSN the log or the file mentions, replayed or not
   * @param reserved the LSN reservation of the file's checkpoint (0 when it has none)
   */
  record OpenReport(
      long replayedRecords,
      long replayedToLsn,
      Path tornFile,
      long ignoredBytes,
      String damage,
      long newestSeen,
      long reserved) {
    /** Whether change sets that may have been acknowledged were lost (a new epoch is due). */
    boolean lostTail() {
      return damage != null || tornFile != null;
    }
  }

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
    this.memoryLimit = memoryLimit(policy.logBytes(), Runtime.getRuntime().maxMemory());
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
    long reserved = longOr(maps.meta.map().get(RESERVED), 0);
    boolean newestIntact = config.recovery() == StoreConfig.Recovery.NEWEST_INTACT;
    WalReader.Replay r;
    try {
      r =
          WalReader.replay(
              dir,
              id,
              Long.parseLong(segment),
              afterGroup,
              afterLsn,
              newestIntact,
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
    WalReader.Damage d = r.damage();
    WriteAheadLog log =
        new WriteAheadLog(
            config,
            file,
            maps,
            dir,
            id,
            r.lastGroup(),
            newest + 1,
            new OpenReport(
                r.records(),
                r.lastLsn(),
                r.tornFile(),
                r.ignoredBytes(),
                d == null ? null : lostCommits(file, d, afterLsn),
                Math.max(r.lastLsn(), d == null ? 0 : d.maxLsnSeen()),
                reserved));
    log.reserved = reserved;
    return log;
  }

  private static long longOr(String s, long absent) {
    return s == null ? absent : Long.parseLong(s);
  }

  /** A file without a log (new, or written before the log existed): its first segment. */
  private static WriteAheadLog start(StoreConfig config, StoreFile file, StoreMaps maps, Path dir) {
    long newest = WalReader.newestSegment(dir);
    String lost = null;
    long seen = 0;
    if (newest >= 0) {
      // a checkpoint that created the first segment but did not get to record it in the file
      // leaves segments without records whose LSNs are the file's; anything more means the file
      // is not the one the log was written for, or went back to a state before its first checkpoint
      seen = WalReader.newestLsnSeen(dir);
      long fileLsn = maps.changelog.map().isEmpty() ? 0 : maps.changelog.map().lastKey();
      if (seen > fileLsn || !WalReader.deleteIfEmpty(dir)) {
        lost =
            "database file "
                + file.file()
                + " records no checkpoint of the write-ahead log in "
                + dir
                + ", which holds segments"
                + (seen > fileLsn ? " with commits up to lsn " + seen : "")
                + ": the file may have been replaced by another or by an older copy, or it went"
                + " back to an older state. The file holds lsn "
                + fileLsn;
        if (config.recovery() != StoreConfig.Recovery.NEWEST_INTACT) {
          throw new OrmDbException(
              ErrorCode.STORAGE_UNAVAILABLE,
              lost
                  + ". Restore the data directory from a backup, or open it with recovery ="
                  + " newest-intact to continue from the file's state");
        }
        // the segments stay until the checkpoint after open has made the new epoch durable
      }
    }
    String existing = maps.meta.map().get(FILE_ID);
    UUID id = existing == null ? UUID.randomUUID() : UUID.fromString(existing);
    maps.meta.put(FILE_ID, id.toString());
    long reserved = longOr(maps.meta.map().get(RESERVED), 0);
    WriteAheadLog log =
        new WriteAheadLog(
            config,
            file,
            maps,
            dir,
            id,
            0,
            Math.max(1, newest + 1),
            new OpenReport(0, 0, null, 0, lost, seen, reserved));
    log.reserved = reserved;
    return log;
  }

  private static OrmDbException damaged(StoreFile file, WalReader.Damage d, long checkpointLsn) {
    return new OrmDbException(
        ErrorCode.STORAGE_UNAVAILABLE,
        "database file "
            + file.file()
            + " cannot be opened without losing acknowledged commits: "
            + lostCommits(file, d, checkpointLsn)
            + ". The last good LSN is "
            + d.lastLsn()
            + ". Restore the data directory from a backup, or open it with recovery ="
            + " newest-intact to continue from LSN "
            + d.lastLsn()
            + " in a new history epoch");
  }

  /** What the log's damage means, in words. */
  private static String lostCommits(StoreFile file, WalReader.Damage d, long checkpointLsn) {
    return d.detail()
        + ". The file's checkpoint holds lsn "
        + checkpointLsn
        + " and the log could be replayed to lsn "
        + d.lastLsn()
        + (d.maxLsnSeen() > d.lastLsn()
            ? ", but commits up to lsn " + d.maxLsnSeen() + " were written"
            : "");
  }

  /** What opening found: records replayed, a torn tail ignored. */
  OpenReport opened() {
    return opened;
  }

  /**
   * After the store's positions are known at open: takes a checkpoint, so that what was replayed is
   * in the file, in a fresh segment (the log may end in a torn record, after which nothing may be
   * written), and the old segments are deleted.
   */
  void startAfterOpen(long lastLsn, long nextLsn) {
    checkpoint(lastLsn, Math.max(lastLsn, nextLsn - 1), true);
  }

  /**
   * Whether the LSNs up to {@code lastLsn} pass the reservation the file holds: then a checkpoint,
   * waited for, must come before they are acknowledged.
   */
  boolean reservationExceeded(long lastLsn) {
    return lastLsn > reserved;
  }

  /**
   * Raises the reservation (recorded at the next checkpoint) when less than half is left; whether
   * it did.
   */
  private boolean reserve(long newest) {
    if (reserved - newest < RESERVE / 2) {
      reserved = newest + RESERVE;
      return true;
    }
    return false;
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
        || file.unsavedMemory() >= memoryLimit
        || System.nanoTime() - checkpointNanos >= policy.interval().toNanos();
  }

  /**
   * The unsaved pages that make a checkpoint due: four times the log size, but at most a sixteenth
   * of the heap ({@code maxHeap}). Nothing else bounds them: MVStore writes nothing on its own (its
   * write buffer is off), and a checkpoint needs two to three times as much again while it is
   * written (a serialized copy in a buffer that grows by doubling) besides the page cache.
   */
  static long memoryLimit(long logBytes, long maxHeap) {
    return Math.min(4 * logBytes, maxHeap / 16);
  }

  /**
   * Commits the maps to the file as they are (the committer is between groups: every change in them
   * is in the synced log) and records the checkpoint in the file: its group and the segment being
   * written (the first checkpoint after open creates it). With {@code wait}, writes and syncs the
   * file and deletes the older segments before returning; otherwise MVStore's threads write the
   * version taken here and the background thread syncs it once written, deletes the older segments,
   * then reclaims space.
   */
  void checkpoint(long lastLsn, boolean wait) {
    checkpoint(lastLsn, lastLsn, wait);
  }

  /**
   * {@link #checkpoint(long, boolean)}, where {@code newest} (at least {@code lastLsn}) is the
   * newest LSN that may be handed out before the next commit: the reservation and a new segment's
   * header start from it.
   */
  private void checkpoint(long lastLsn, long newest, boolean wait) {
    // The file reuses dead chunks' space at once (no retention time): the previous checkpoint must
    // be synced before this one may overwrite what the file's synced version still points to.
    awaitSynced();
    Throwable failed = backgroundFailure;
    if (failed instanceof OrmDbException o) {
      throw o;
    } else if (failed != null) {
      throw OrmDbException.internal("a checkpoint failed: " + failed, failed);
    }
    boolean raised = reserve(newest);
    if (writer == null) {
      writer = WalWriter.create(dir, fileId, nextSegment, newest);
    } else if (raised) {
      // a new segment whose header shows the LSN the new reservation starts from: every LSN handed
      // out under it is at most RESERVE past an LSN the log mentions (Recovery.startEpochIfLost)
      writer.roll(newest);
    } else {
      writer.sync();
    }
    long segment = writer.segment();
    maps.meta.put(RESERVED, Long.toString(reserved));
    maps.meta.put(SEGMENT, Long.toString(segment));
    maps.meta.put(GROUP, Long.toString(group));
    maps.meta.put(LSN, Long.toString(lastLsn));
    checkpoints.incrementAndGet(); // in flight from here until checkpointsFinished counts it
    if (wait) {
      file.commit();
    } else {
      // the version is taken now, between groups; MVStore's threads write it while the next groups
      // run, and the background sync below waits for that write
      file.commitInBackground();
    }
    checkpointNanos = System.nanoTime();
    bytesAtCheckpoint = writer.appendedBytes();
    loggedSinceCheckpoint = false;
    Runnable after =
        () -> {
          file.sync();
          WalWriter.deleteBefore(dir, segment);
          checkpointsFinished.incrementAndGet();
        };
    if (wait) {
      after.run();
      return;
    }
    // The next checkpoint waits for both the sync and the reclaiming pass: MVStore must never
    // serialize a version while a rewrite runs (if writing that version failed, the rewrite would
    // wait forever for its place in the file, holding MVStore's serialization lock).
    synced =
        background.submit(
            () -> {
              try {
                after.run();
                if (policy.rewriteBytes() > 0) {
                  if (file.compact(policy.targetFillRate(), policy.rewriteBytes())) {
                    reclaimRewrites.incrementAndGet();
                  }
                  reclaimPasses.incrementAndGet();
                }
              } catch (Throwable e) {
                backgroundFailure = e;
              }
            });
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
    return writer == null ? 0 : writer.appendedBytes();
  }

  /** Checkpoints taken since the store was opened. */
  long checkpoints() {
    return checkpoints.get();
  }

  /**
   * Checkpoints since the store was opened whose file sync and deletion of older log segments are
   * done (one fewer than {@link #checkpoints} while one is in flight).
   */
  long checkpointsFinished() {
    return checkpointsFinished.get();
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

package io.ormdb.store.internal.file;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.StoreConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * The store's one MVStore file and its one owner in this process: opening it (a second open of the
 * same file fails, a file, data directory or log directory the store may not write is refused,
 * errors say in plain words what is wrong), its role (primary or replica), commits, fsyncs, version
 * pins of read views, and closing it. {@code ":memory:"} has no file. A read-only open ({@link
 * StoreConfig#withReadOnly()}) opens an existing file without writing it.
 */
public final class StoreFile {
  /** The canonical paths of the files open in this process. */
  private static final Set<String> OPEN_FILES = ConcurrentHashMap.newKeySet();

  /** Meta key: the database's id, random at a primary's creation and copied by its replicas. */
  public static final String DATABASE_ID = "database.id";

  private static final String ROLE = "role";
  private static final String REPLICA_ROLE = "replica";

  /** The canonical path of the file, or null in memory. */
  private final String key;

  private final MVStore store;
  private final boolean readOnly;
  private final AtomicLong syncs = new AtomicLong();

  private StoreFile(String key, MVStore store, boolean readOnly) {
    this.key = key;
    this.store = store;
    this.readOnly = readOnly;
  }

  /** Whether the file was opened read-only ({@link StoreConfig#withReadOnly()}). */
  public boolean isReadOnly() {
    return readOnly;
  }

  /**
   * Opens (creating when absent) the file of {@code config} and builds what owns it with {@code
   * build}; if that fails, the file is closed and released again (an MVStore failure reported as
   * STORAGE_UNAVAILABLE).
   */
  public static <T> T open(StoreConfig config, Function<StoreFile, T> build) {
    StoreFile file = open(config);
    try {
      return build.apply(file);
    } catch (RuntimeException e) {
      file.store.closeImmediately();
      file.release();
      throw StorageErrors.readingFailed(file.name(), e);
    }
  }

  private static StoreFile open(StoreConfig config) {
    // Nothing but a checkpoint may write the file (WriteAheadLog): autoCommitDisabled() stops
    // MVStore's background writer but not its write buffer, which made the next map write past
    // about 19 MB of unsaved pages commit a chunk — in the middle of a group, with changes the log
    // did not hold yet. A buffer of 0 turns that off.
    MVStore.Builder b =
        new MVStore.Builder()
            .autoCommitDisabled()
            .autoCommitBufferSize(0)
            // and no housekeeping of its own (the background thread below would run it)
            .autoCompactFillRate(0)
            .cacheSize(config.cacheMegabytes());
    if (config.readOnly()) {
      b.readOnly();
    }
    String key;
    if (config.isInMemory()) {
      key = null;
    } else {
      Path dir = Path.of(config.dataDir());
      key = config.readOnly() ? existingFile(dir) : writableFile(dir);
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
    if (key != null && store.isReadOnly() != config.readOnly()) {
      // MVStore opens a file it may not write read-only on its own; the store would fail at its
      // first write. A file that became read-only since it was checked is refused here.
      store.closeImmediately();
      OPEN_FILES.remove(key);
      throw StorageErrors.readOnly("database file", Path.of(key));
    }
    if (key != null && !config.readOnly()) {
      // MVStore keeps a dead chunk's space for a retention time (45 s by default) because it does
      // not sync its writes: a crash could otherwise find the newest synced version pointing into
      // overwritten space. Here every write of the file is a checkpoint that is synced before the
      // next one begins (WriteAheadLog), so the space of chunks the synced version no longer needs
      // can be reused at once. With 45 s, a busy file held 45 s of checkpoints in dead chunks: five
      // times its live data.
      store.setRetentionTime(0);
      // Chunks a replaced version still needs are kept one checkpoint (MVStore keeps five by
      // default: five checkpoints of dead chunks). A read that walks a map for longer pins its
      // version (pin(), StoreMaps.pinned).
      store.setVersionsToKeep(1);
      // MVStore serializes and writes a commit on threads of its own only when it has a background
      // writer; this one never writes by itself: it would commit after ~25 days without any commit
      // (a store that logs anything checkpoints every ormdb.checkpoint.interval), and housekeeping
      // is off. commitInBackground uses those threads.
      store.setAutoCommitDelay(Integer.MAX_VALUE);
    }
    return new StoreFile(key, store, config.readOnly());
  }

  /**
   * The canonical path of the file in {@code dir} for a writable open: the directory is created
   * when missing; the directory, the file and the log's directory must be writable (a store that
   * opened anyway would fail at its first write with MVStore's words).
   */
  private static String writableFile(Path dir) {
    String key;
    try {
      Files.createDirectories(dir);
      key = dir.resolve(StoreConfig.FILE_NAME).toFile().getCanonicalPath();
    } catch (IOException e) {
      throw StorageErrors.dataDirectory(dir, e);
    }
    Path file = Path.of(key);
    if (Files.isDirectory(file)) {
      throw StorageErrors.isDirectory(key);
    }
    if (!Files.isWritable(dir)) {
      throw StorageErrors.readOnly("data directory", dir);
    }
    if (Files.exists(file) && !Files.isWritable(file)) {
      throw StorageErrors.readOnly("database file", file);
    }
    Path log = dir.resolve(StoreConfig.LOG_DIRECTORY);
    if (Files.exists(log) && !Files.isDirectory(log)) {
      throw StorageErrors.notADirectory("write-ahead log directory", log);
    }
    if (Files.isDirectory(log) && !Files.isWritable(log)) {
      throw StorageErrors.readOnly("write-ahead log directory", log);
    }
    return key;
  }

  /** The canonical path of the existing file in {@code dir}, for a read-only open. */
  private static String existingFile(Path dir) {
    Path file = dir.resolve(StoreConfig.FILE_NAME);
    if (Files.isDirectory(file)) {
      throw StorageErrors.isDirectory(file.toString());
    }
    if (!Files.isRegularFile(file)) {
      throw StorageErrors.missing(file);
    }
    try {
      return file.toFile().getCanonicalPath();
    } catch (IOException e) {
      throw StorageErrors.dataDirectory(dir, e);
    }
  }

  /** The MVStore, for {@link StoreMaps} to open the maps. */
  MVStore store() {
    return store;
  }

  /**
   * Records the file's role: a replica file refuses to open as a primary (its LSNs are the
   * primary's; local writes would fork them). A primary's file (a copy, a backup) may become a
   * replica. A primary gets a random database id at creation; a replica takes its primary's.
   */
  public void claimRole(LoggedMap<String, String> meta, boolean replica) {
    boolean wasReplica = REPLICA_ROLE.equals(meta.map().get(ROLE));
    if (wasReplica && !replica) {
      throw OrmDbException.invalid(
          "database file "
              + name()
              + " is a read replica of database "
              + meta.map().get(DATABASE_ID)
              + ": open it as a replica (promoting a replica is not supported yet)");
    }
    boolean changed = false;
    if (replica && !wasReplica) {
      meta.put(ROLE, REPLICA_ROLE);
      changed = true;
    }
    if (!replica && meta.map().get(DATABASE_ID) == null) {
      meta.put(DATABASE_ID, UUID.randomUUID().toString());
      changed = true;
    }
    if (changed) {
      commit();
      sync();
    }
  }

  /** Commits every map's changes to the file (written, not yet fsynced). */
  public void commit() {
    failIfWritingFailed();
    store.commit();
  }

  /**
   * Like {@link #commit}, but returns once MVStore has taken the new version — the maps as they are
   * now; later writes go to the next version (copy-on-write) — and leaves serializing and writing
   * it to MVStore's own threads. {@link #sync} waits for that write.
   */
  public void commitInBackground() {
    failIfWritingFailed();
    if (store.tryCommit() < 0) {
      store.commit(); // another thread held the store's lock (a compaction); or nothing changed
    }
  }

  /** Fsyncs the file (nothing in memory), once the writes of earlier commits are done. */
  public void sync() {
    if (key != null) {
      store.getFileStore().executeFileStoreOperation(() -> {});
      failIfWritingFailed();
      store.sync();
      syncs.incrementAndGet();
    }
  }

  /**
   * Fails once MVStore's threads failed to serialize or write a version (an I/O error such as a
   * full disk, or an OutOfMemoryError): MVStore then must not be handed another version, because
   * its serializer would wait forever for the lost one's place in the file, and so would anything
   * that closes or flushes it after that. Nothing of the lost version is needed: the write-ahead
   * log still holds every change since the last synced checkpoint, and reopening replays it.
   */
  private void failIfWritingFailed() {
    MVStoreException failure = store.getPanicException();
    if (failure != null) {
      throw StorageErrors.writingFailed(name(), failure);
    }
  }

  /** The estimated memory of changes not yet written to the file, in bytes. */
  public long unsavedMemory() {
    return store.getUnsavedMemory();
  }

  /**
   * Rewrites the live data of the file's chunks whose share of live data is the lowest, when the
   * file's overall share is below {@code targetFillRate} percent, at most about {@code budget}
   * bytes: the rewritten data goes into the next commit, and the old chunks' space is reused once
   * nothing needs them. Safe while the committer writes. Whether it rewrote any chunk.
   */
  public boolean compact(int targetFillRate, long budget) {
    failIfWritingFailed();
    return key != null && store.compact(targetFillRate, (int) Math.min(Integer.MAX_VALUE, budget));
  }

  /** The share of live data in the file's chunks, in percent. */
  public int fillRate() {
    return key == null ? 100 : store.getFileStore().getChunksFillRate();
  }

  /** How many fsyncs this file had since it was opened. */
  public long syncs() {
    return syncs.get();
  }

  /** Pins the current version for a read view: chunks it may read are not reused until released. */
  public MVStore.TxCounter pin() {
    return store.registerVersionUsage();
  }

  public void release(MVStore.TxCounter counter) {
    if (!store.isClosed()) {
      store.deregisterVersionUsage(counter);
    }
  }

  /**
   * Closes the file and gives up its ownership: cleanly, or — after a failed commit — without
   * writing anything more.
   */
  public void close(boolean clean) {
    try {
      // a store whose writing failed must not be handed another version, not even by its close
      if (clean && store.getPanicException() == null) {
        // A view closed while the committer held the store lock cannot advance MVStore's oldest
        // version to keep (it only tries the lock); do it now, with nobody else holding it, so the
        // close sees no stale pinned version.
        store.deregisterVersionUsage(store.registerVersionUsage());
        store.close();
      } else {
        store.closeImmediately();
      }
    } finally {
      release();
    }
  }

  private void release() {
    if (key != null) {
      OPEN_FILES.remove(key);
    }
  }

  /** The file, or null in memory. */
  public File file() {
    return key == null ? null : new File(key);
  }

  private String name() {
    return key == null ? "(in memory)" : key;
  }
}

package io.ormdb.store;

import io.ormdb.protocol.OrmDbException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * How an {@link OrmStore} is opened.
 *
 * @param dataDir the directory holding {@code ormdb.mv.db}, or {@link #IN_MEMORY} for a store that
 *     lives only in memory
 * @param durability when a commit is acknowledged: after an fsync (SYNC) or after the in-memory
 *     apply, with an fsync at most every {@code maxDelayMillis} (ASYNC)
 * @param maxDelayMillis ASYNC only: the longest time an acknowledged batch may wait for its fsync
 *     (the most a power failure can lose); ignored for SYNC
 * @param historyRetention how long superseded row versions stay readable by {@link
 *     OrmStore#snapshotAt(long)}
 * @param compactionInterval how often background compaction removes versions and tombstones older
 *     than the retention window; {@link Duration#ZERO} disables the background task
 * @param maxValueBytes the largest encoded field value accepted by a write, in bytes
 * @param changelogRetention how long changelog entries (change sets) stay readable by {@link
 *     OrmStore#changes} and change feeds; older ones are removed by compaction (the newest entry is
 *     always kept). {@link #KEEP_CHANGELOG} (the default, also for null) keeps every entry
 * @param consumerHold how long past {@code changelogRetention} the stored offsets of named
 *     consumers ({@link OrmStore#commitOffset}) hold entries back: an entry a consumer has not
 *     committed past stays until it is older than this (then the consumer has lost it and its
 *     resume fails with INVALID_LSN). {@link Duration#ZERO}: consumers hold nothing back. Default
 *     (also for null) {@link #DEFAULT_CONSUMER_HOLD}
 * @param cacheMegabytes the size of the page cache in MiB (MVStore keeps recently read pages of the
 *     file decoded in memory; reads of other pages go to the file); at least 1, default {@link
 *     #DEFAULT_CACHE_MEGABYTES}
 * @param commitQueueSize how many tasks of clients (batches, schema changes, journal and offset
 *     writes, replicated change sets) may wait for the committer; one more fails at once with
 *     BUDGET_EXCEEDED instead of queueing without bound (the store's own work — compaction,
 *     columnar checkpoints — does not count). At least 1, default {@link
 *     #DEFAULT_COMMIT_QUEUE_SIZE}
 * @param checkpoints when the store writes its file from the write-ahead log, and how it reclaims
 *     the file's space (default, also for null, {@link Checkpoints#DEFAULT})
 * @param recovery what opening does when acknowledged commits cannot be recovered: refuse ({@link
 *     Recovery#STRICT}, the default, also for null) or open the newest intact state in a new
 *     history epoch ({@link Recovery#NEWEST_INTACT})
 * @param readOnly open an existing store for reads only ({@link #withReadOnly()}): the file is
 *     opened read-only and never written, and every write fails with READ_ONLY
 */
public record StoreConfig(
    String dataDir,
    Durability durability,
    long maxDelayMillis,
    Duration historyRetention,
    Duration compactionInterval,
    int maxValueBytes,
    Duration changelogRetention,
    Duration consumerHold,
    int cacheMegabytes,
    int commitQueueSize,
    Checkpoints checkpoints,
    Recovery recovery,
    boolean readOnly) {

  /** The default page cache: 64 MiB (MVStore's own default is 16). */
  public static final int DEFAULT_CACHE_MEGABYTES = 64;

  /** The default {@code commitQueueSize}: 10,000 waiting tasks. */
  public static final int DEFAULT_COMMIT_QUEUE_SIZE = 10_000;

  /** The default {@code consumerHold}: a week. */
  public static final Duration DEFAULT_CONSUMER_HOLD = Duration.ofDays(7);

  /** The {@code changelogRetention} that keeps the whole changelog. */
  public static final Duration KEEP_CHANGELOG = ChronoUnit.FOREVER.getDuration();

  /** The {@code dataDir} of a store that is never written to disk. */
  public static final String IN_MEMORY = ":memory:";

  /** The name of the single store file inside {@code dataDir}. */
  public static final String FILE_NAME = "ormdb.mv.db";

  /** The directory of the write-ahead log inside {@code dataDir}. */
  public static final String LOG_DIRECTORY = "wal";

  /**
   * When the store writes its file, and how it keeps the file compact. A commit is durable once its
   * record of the write-ahead log is synced; the file itself is written at checkpoints, which also
   * let the log start over. After each checkpoint, chunks of the file whose share of live data fell
   * below {@code targetFillRate} have their live data rewritten (at most {@code rewriteBytes} per
   * checkpoint), so the space of the rest is freed and reused.
   *
   * @param interval the longest time between two checkpoints while anything is written
   * @param logBytes the write-ahead log written (or the changes held in memory: four times this, at
   *     most a sixteenth of the heap) since the last checkpoint that start the next one
   * @param targetFillRate the share of live data, in percent (1–99), below which the file's chunks
   *     are rewritten
   * @param rewriteBytes the most live data rewritten per checkpoint: the I/O budget of reclaiming
   *     space
   */
  public record Checkpoints(
      Duration interval, long logBytes, int targetFillRate, long rewriteBytes) {
    /** Every minute or 64 MiB of log; chunks below 50 % live rewritten, 16 MiB per checkpoint. */
    public static final Checkpoints DEFAULT =
        new Checkpoints(Duration.ofMinutes(1), 64L << 20, 50, 16L << 20);

    public Checkpoints {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw OrmDbException.invalid("the checkpoint interval must be positive but is " + interval);
      }
      if (logBytes < 1 << 20) {
        throw OrmDbException.invalid(
            "the checkpoint log size must be at least 1 MiB but is " + logBytes + " bytes");
      }
      if (targetFillRate < 1 || targetFillRate > 99) {
        throw OrmDbException.invalid(
            "the target fill rate must be a percentage from 1 to 99 but is " + targetFillRate);
      }
      if (rewriteBytes < 0) {
        throw OrmDbException.invalid(
            "the rewrite budget must not be negative but is " + rewriteBytes + " bytes");
      }
    }
  }

  /**
   * What opening a store does when it can tell that acknowledged commits are missing: the
   * write-ahead log is damaged before its end (a missing or foreign segment, a gap, a damaged
   * record followed by more log), or the database file went back to an older state than its log
   * expects. A log whose tail merely holds bytes recovery cannot use (a record cut short by a
   * crash, or a damaged last record) opens in both modes, with a warning and a new history epoch;
   * see {@link OrmStore#recoveryReport()}.
   */
  public enum Recovery {
    /** Refuse to open, with STORAGE_UNAVAILABLE naming the last good LSN and what was found. */
    STRICT,
    /**
     * Open the newest intact state (the file's checkpoint and the log replayed up to the damage),
     * discarding what follows; the changelog continues in a new history epoch whose LSNs are past
     * every LSN that may have been handed out, and readers that had seen a discarded LSN get
     * INVALID_LSN. The unusable rest of the log is deleted: copy the data directory first to keep
     * it.
     */
    NEWEST_INTACT
  }

  /** When a commit is acknowledged. */
  public enum Durability {
    /** After the batch's write-ahead-log record is synced (group commit shares one fsync). */
    SYNC,
    /** After the in-memory apply; the log is synced at most {@code maxDelayMillis} later. */
    ASYNC
  }

  public StoreConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    durability = durability == null ? Durability.SYNC : durability;
    historyRetention = historyRetention == null ? Duration.ofMinutes(10) : historyRetention;
    compactionInterval = compactionInterval == null ? Duration.ofMinutes(1) : compactionInterval;
    changelogRetention = changelogRetention == null ? KEEP_CHANGELOG : changelogRetention;
    if (changelogRetention.isNegative()) {
      throw OrmDbException.invalid("changelogRetention must not be negative");
    }
    consumerHold = consumerHold == null ? DEFAULT_CONSUMER_HOLD : consumerHold;
    if (consumerHold.isNegative()) {
      throw OrmDbException.invalid("consumerHold must not be negative");
    }
    if (maxDelayMillis < 0) {
      throw OrmDbException.invalid("maxDelayMillis must be >= 0 but is " + maxDelayMillis);
    }
    if (historyRetention.isNegative() || compactionInterval.isNegative()) {
      throw OrmDbException.invalid("historyRetention and compactionInterval must not be negative");
    }
    if (maxValueBytes <= 0) {
      throw OrmDbException.invalid("maxValueBytes must be > 0 but is " + maxValueBytes);
    }
    if (cacheMegabytes < 1) {
      throw OrmDbException.invalid("cacheMegabytes must be >= 1 but is " + cacheMegabytes);
    }
    if (commitQueueSize < 1) {
      throw OrmDbException.invalid("commitQueueSize must be >= 1 but is " + commitQueueSize);
    }
    checkpoints = checkpoints == null ? Checkpoints.DEFAULT : checkpoints;
    recovery = recovery == null ? Recovery.STRICT : recovery;
    if (readOnly && IN_MEMORY.equals(dataDir)) {
      throw OrmDbException.invalid("an in-memory store cannot be opened read-only");
    }
  }

  /**
   * A writable configuration that refuses to open when acknowledged commits are missing ({@code
   * STRICT}): the components of {@link StoreConfig} but {@code recovery} and {@code readOnly}.
   */
  public StoreConfig(
      String dataDir,
      Durability durability,
      long maxDelayMillis,
      Duration historyRetention,
      Duration compactionInterval,
      int maxValueBytes,
      Duration changelogRetention,
      Duration consumerHold,
      int cacheMegabytes,
      int commitQueueSize,
      Checkpoints checkpoints) {
    this(
        dataDir,
        durability,
        maxDelayMillis,
        historyRetention,
        compactionInterval,
        maxValueBytes,
        changelogRetention,
        consumerHold,
        cacheMegabytes,
        commitQueueSize,
        checkpoints,
        Recovery.STRICT,
        false);
  }

  /** Whether the whole changelog is kept. */
  public boolean keepsWholeChangelog() {
    return changelogRetention.equals(KEEP_CHANGELOG);
  }

  /**
   * Defaults: SYNC, 10 minutes of history, compaction every minute, 16 MiB values, the whole
   * changelog kept, consumers holding it {@link #DEFAULT_CONSUMER_HOLD}, a {@link
   * #DEFAULT_CACHE_MEGABYTES} MiB page cache, {@link #DEFAULT_COMMIT_QUEUE_SIZE} queued tasks.
   */
  public static StoreConfig of(Path dataDir) {
    return defaults(dataDir.toString());
  }

  /** An in-memory store with the defaults of {@link #of(Path)}. */
  public static StoreConfig inMemory() {
    return defaults(IN_MEMORY);
  }

  private static StoreConfig defaults(String dataDir) {
    return new StoreConfig(
        dataDir,
        Durability.SYNC,
        0,
        Duration.ofMinutes(10),
        Duration.ofMinutes(1),
        16 << 20,
        KEEP_CHANGELOG,
        DEFAULT_CONSUMER_HOLD,
        DEFAULT_CACHE_MEGABYTES,
        DEFAULT_COMMIT_QUEUE_SIZE,
        Checkpoints.DEFAULT,
        Recovery.STRICT,
        false);
  }

  public boolean isInMemory() {
    return IN_MEMORY.equals(dataDir);
  }

  public StoreConfig withAsync(long maxDelayMillis) {
    Copy c = new Copy(this);
    c.durability = Durability.ASYNC;
    c.maxDelayMillis = maxDelayMillis;
    return c.build();
  }

  public StoreConfig withRetention(Duration retention, Duration compactionEvery) {
    Copy c = new Copy(this);
    c.historyRetention = retention;
    c.compactionInterval = compactionEvery;
    return c.build();
  }

  public StoreConfig withMaxValueBytes(int bytes) {
    Copy c = new Copy(this);
    c.maxValueBytes = bytes;
    return c.build();
  }

  /**
   * How long changelog entries are kept ({@link #KEEP_CHANGELOG}: all); compaction removes older
   * ones, after which {@link OrmStore#changes} from an older LSN fails with INVALID_LSN.
   */
  public StoreConfig withChangelogRetention(Duration retention) {
    Copy c = new Copy(this);
    c.changelogRetention = retention;
    return c.build();
  }

  /**
   * How long past the changelog retention named consumers' offsets hold entries back ({@link
   * Duration#ZERO}: not at all).
   */
  public StoreConfig withConsumerHold(Duration hold) {
    Copy c = new Copy(this);
    c.consumerHold = hold;
    return c.build();
  }

  /** The page cache size in MiB (at least 1). */
  public StoreConfig withCacheMegabytes(int megabytes) {
    Copy c = new Copy(this);
    c.cacheMegabytes = megabytes;
    return c.build();
  }

  /** How many client tasks may wait for the committer (at least 1). */
  public StoreConfig withCommitQueueSize(int tasks) {
    Copy c = new Copy(this);
    c.commitQueueSize = tasks;
    return c.build();
  }

  /** When the store writes its file and how it reclaims space. */
  public StoreConfig withCheckpoints(Checkpoints checkpoints) {
    Copy c = new Copy(this);
    c.checkpoints = Objects.requireNonNull(checkpoints, "checkpoints");
    return c.build();
  }

  /**
   * What opening does when acknowledged commits cannot be recovered ({@link Recovery#STRICT}:
   * refuse; {@link Recovery#NEWEST_INTACT}: open the newest intact state in a new history epoch).
   */
  public StoreConfig withRecovery(Recovery recovery) {
    Copy c = new Copy(this);
    c.recovery = Objects.requireNonNull(recovery, "recovery");
    return c.build();
  }

  /**
   * Opens an existing store for reads only: its file is opened read-only and never written. Reads,
   * as-of reads, aggregates and change feeds work; commits, schema changes, journal and offset
   * writes fail with READ_ONLY. The open is refused (STORAGE_UNAVAILABLE) when the file does not
   * exist, or when its write-ahead log holds commits that were never written to the file (a store
   * that stopped without a clean close): open it writable once, or stop it cleanly first.
   */
  public StoreConfig withReadOnly() {
    Copy c = new Copy(this);
    c.readOnly = true;
    return c.build();
  }

  /** The components of a configuration, to change some of them (the {@code with} methods). */
  private static final class Copy {
    private final String dataDir;
    private Durability durability;
    private long maxDelayMillis;
    private Duration historyRetention;
    private Duration compactionInterval;
    private int maxValueBytes;
    private Duration changelogRetention;
    private Duration consumerHold;
    private int cacheMegabytes;
    private int commitQueueSize;
    private Checkpoints checkpoints;
    private Recovery recovery;
    private boolean readOnly;

    Copy(StoreConfig c) {
      dataDir = c.dataDir;
      durability = c.durability;
      maxDelayMillis = c.maxDelayMillis;
      historyRetention = c.historyRetention;
      compactionInterval = c.compactionInterval;
      maxValueBytes = c.maxValueBytes;
      changelogRetention = c.changelogRetention;
      consumerHold = c.consumerHold;
      cacheMegabytes = c.cacheMegabytes;
      commitQueueSize = c.commitQueueSize;
      checkpoints = c.checkpoints;
      recovery = c.recovery;
      readOnly = c.readOnly;
    }

    StoreConfig build() {
      return new StoreConfig(
          dataDir,
          durability,
          maxDelayMillis,
          historyRetention,
          compactionInterval,
          maxValueBytes,
          changelogRetention,
          consumerHold,
          cacheMegabytes,
          commitQueueSize,
          checkpoints,
          recovery,
          readOnly);
    }
  }
}

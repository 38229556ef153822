package io.ormdb.store;

/**
 * Counters of an open store, for tests and metrics.
 *
 * @param batchesCommitted batches that changed something and got an LSN
 * @param storeCommits commit groups that wrote something (one write-ahead-log record each; an
 *     in-memory store commits its MVStore instead)
 * @param syncs fsyncs of the write-ahead log and the store file (one per group in SYNC mode)
 * @param versionsRemoved row versions and tombstones removed by compaction
 * @param currentLsn the newest visible LSN
 * @param oldestRetainedLsn the oldest LSN {@link OrmStore#snapshotAt(long)} accepts
 * @param logBytes bytes appended to the write-ahead log since the store was opened
 * @param checkpoints checkpoints since the store was opened (the file written from the log)
 * @param fileBytes the size of the database file ({@code ormdb.mv.db}); 0 in memory
 * @param fillRate the share of live data in the database file's chunks, in percent
 */
public record StoreStats(
    long batchesCommitted,
    long storeCommits,
    long syncs,
    long versionsRemoved,
    long currentLsn,
    long oldestRetainedLsn,
    long logBytes,
    long checkpoints,
    long fileBytes,
    int fillRate) {}

package io.ormdb.store;

/**
 * Counters of an open store, for tests and metrics.
 *
 * @param batchesCommitted batches that changed something and got an LSN
 * @param storeCommits MVStore commits (one per commit group)
 * @param syncs fsyncs of the store file (one per group in SYNC mode)
 * @param versionsRemoved row versions and tombstones removed by compaction
 * @param currentLsn the newest visible LSN
 * @param oldestRetainedLsn the oldest LSN {@link OrmStore#snapshotAt(long)} accepts
 */
public record StoreStats(
    long batchesCommitted,
    long storeCommits,
    long syncs,
    long versionsRemoved,
    long currentLsn,
    long oldestRetainedLsn) {}

package io.ormdb.store.journal;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Pekko Persistence storage for ordinary persistence ids in the store's own file: events with a
 * per-tag index and a global ordering, the highest sequence number per id (kept across deletes) and
 * snapshots. Writes and deletes go through the store's committer thread, so they share its group
 * commit and fsync, and complete once durable per the store's durability mode; reads see only
 * completed writes. Thread-safe; reads may block on I/O, so callers run them off actor threads.
 */
public interface JournalStorage {

  /**
   * Writes the entries atomically (all or none, also across a crash) and durably, assigning each a
   * global ordering in list order. Completes with the orderings; fails with an OrmDbException when
   * the store cannot write (then nothing was written).
   */
  CompletableFuture<List<Long>> write(List<JournalEntry> entries);

  /**
   * Calls {@code onEntry} for the entries of {@code persistenceId} with {@code from <= sequenceNr
   * <= to}, in sequence order, at most {@code max} of them.
   */
  void replay(String persistenceId, long from, long to, long max, Consumer<JournalEntry> onEntry);

  /** The highest sequence number ever written for the id (deletes do not lower it); 0 if none. */
  long highestSequenceNr(String persistenceId);

  /** Deletes the entries of the id up to {@code toSequenceNr} inclusive, durably. */
  CompletableFuture<Void> deleteTo(String persistenceId, long toSequenceNr);

  /**
   * Up to {@code max} entries tagged {@code tag} with {@code afterOrdering < ordering <=
   * toOrdering}, in ordering order.
   */
  List<JournalEntry> eventsByTag(String tag, long afterOrdering, long toOrdering, int max);

  /** The ordering of the newest completed write (0 when none). */
  long currentOrdering();

  /** Completes (with the ordering) once {@link #currentOrdering()} is greater than {@code v}. */
  CompletableFuture<Long> orderingAfter(long v);

  /** Saves a snapshot durably (replacing one with the same id and sequence number). */
  CompletableFuture<Void> saveSnapshot(SnapshotEntry snapshot);

  /** The snapshot with the highest sequence number matching the criteria. */
  Optional<SnapshotEntry> loadSnapshot(String persistenceId, SnapshotCriteria criteria);

  /**
   * Deletes the snapshot at {@code sequenceNr} (only when its timestamp equals {@code
   * timestampMillis}, unless that is 0), durably.
   */
  CompletableFuture<Void> deleteSnapshot(
      String persistenceId, long sequenceNr, long timestampMillis);

  /** Deletes every snapshot of the id matching the criteria, durably. */
  CompletableFuture<Void> deleteSnapshots(String persistenceId, SnapshotCriteria criteria);
}

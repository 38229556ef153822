package io.ormdb.store;

/**
 * The node's crash tests read {@link OrmStore#logActivity()}, which is package-private, through
 * this class: it lives in the store's package, in the node's test sources only.
 */
public final class LogActivityAccess {
  private LogActivityAccess() {}

  /** Records of the write-ahead log that opening {@code store} replayed. */
  public static long replayedRecords(OrmStore store) {
    return store.logActivity().replayedRecords();
  }

  /** Bytes of a torn last record that opening {@code store} ignored. */
  public static long tornBytesIgnored(OrmStore store) {
    return store.logActivity().tornBytesIgnored();
  }

  /** Space-reclamation passes since {@code store} was opened. */
  public static long reclaimPasses(OrmStore store) {
    return store.logActivity().reclaimPasses();
  }

  /**
   * Checkpoints written since {@code store} was opened and how many of them finished (file synced,
   * older log segments deleted), read together: fewer finished means one is in flight.
   */
  public static long[] checkpointsWrittenAndFinished(OrmStore store) {
    OrmStore.LogActivity a = store.logActivity();
    return new long[] {a.checkpoints(), a.checkpointsFinished()};
  }

  /** Space-reclamation passes since {@code store} was opened that rewrote chunks. */
  public static long reclaimRewrites(OrmStore store) {
    return store.logActivity().reclaimRewrites();
  }
}

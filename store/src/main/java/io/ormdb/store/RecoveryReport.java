package io.ormdb.store;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What opening the store recovered ({@link OrmStore#recoveryReport()}).
 *
 * @param replayedRecords write-ahead-log records replayed onto the file's checkpoint
 * @param openedAtLsn the newest LSN after recovery: the last change set the store holds
 * @param ignoredBytes bytes at the end of the log that recovery could not use and ignored (a record
 *     cut short by a crash during an append, or a damaged last record)
 * @param ignoredFile the log segment they are in, or null
 * @param epoch the history epoch the changelog is in now (1 until a recovery discarded history)
 * @param epochFirstLsn the first LSN of that epoch: the next commit's LSN is at least this
 * @param historyDiscarded whether this open started a new epoch: change sets after {@code
 *     openedAtLsn} that may have been acknowledged or read are not in the database, and their LSNs
 *     are never given again
 * @param damage what recovery found and gave up ({@link StoreConfig.Recovery#NEWEST_INTACT}), or ""
 *     when it found the log intact up to its tail
 */
public record RecoveryReport(
    long replayedRecords,
    long openedAtLsn,
    long ignoredBytes,
    Path ignoredFile,
    int epoch,
    long epochFirstLsn,
    boolean historyDiscarded,
    String damage) {

  /**
   * The warning an open logs when recovery could not use all of the log, naming the LSN it opened
   * at and what it ignored; empty when it used everything.
   */
  public Optional<String> warning() {
    if (!historyDiscarded && ignoredBytes == 0 && damage.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder w = new StringBuilder("the store opened at LSN ").append(openedAtLsn);
    if (!damage.isEmpty()) {
      w.append(" with recovery = newest-intact: ").append(damage);
    }
    if (ignoredFile != null) {
      w.append(damage.isEmpty() ? ": " : "; ")
          .append(ignoredBytes)
          .append(" bytes at the end of the write-ahead log (")
          .append(ignoredFile)
          .append(") could not be used and were ignored: a record cut short by a crash, or a")
          .append(" damaged record whose change sets may have been acknowledged");
    }
    if (historyDiscarded) {
      w.append(". Change sets after LSN ")
          .append(openedAtLsn)
          .append(" are not in the database; the changelog continues in history epoch ")
          .append(epoch)
          .append(" at LSN ")
          .append(epochFirstLsn)
          .append(", and readers that had read past LSN ")
          .append(openedAtLsn)
          .append(" get INVALID_LSN");
    }
    return Optional.of(w.toString());
  }
}

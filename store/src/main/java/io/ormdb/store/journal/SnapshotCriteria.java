package io.ormdb.store.journal;

/**
 * Which snapshots of a persistence id a load or delete selects (Pekko's {@code
 * SnapshotSelectionCriteria}): sequence number and timestamp each within an inclusive range.
 */
public record SnapshotCriteria(
    long maxSequenceNr, long maxTimestamp, long minSequenceNr, long minTimestamp) {

  /** Every snapshot. */
  public static final SnapshotCriteria LATEST =
      new SnapshotCriteria(Long.MAX_VALUE, Long.MAX_VALUE, 0, 0);

  public boolean matches(long sequenceNr, long timestampMillis) {
    return sequenceNr <= maxSequenceNr
        && sequenceNr >= minSequenceNr
        && timestampMillis <= maxTimestamp
        && timestampMillis >= minTimestamp;
  }
}

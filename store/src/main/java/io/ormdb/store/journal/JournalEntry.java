package io.ormdb.store.journal;

import java.util.Objects;
import java.util.Set;

/**
 * One event of an ordinary persistence id, as the journal stores it.
 *
 * @param ordering the global position assigned when the entry was written (gap-free among writes,
 *     in write order; 0 in an entry that has not been written yet); the offset of {@code
 *     eventsByTag}
 * @param persistenceId the persistence id
 * @param sequenceNr the event's sequence number within its persistence id (≥ 1)
 * @param tags the tags indexed for {@code eventsByTag}
 * @param writeTimestampMillis when the entry was written (epoch milliseconds)
 * @param payload the serialized event (opaque to the store; not copied, do not modify)
 */
public record JournalEntry(
    long ordering,
    String persistenceId,
    long sequenceNr,
    Set<String> tags,
    long writeTimestampMillis,
    byte[] payload) {
  public JournalEntry {
    Objects.requireNonNull(persistenceId, "persistenceId");
    Objects.requireNonNull(payload, "payload");
    tags = tags == null ? Set.of() : Set.copyOf(tags);
    if (sequenceNr < 1) {
      throw new IllegalArgumentException("sequenceNr must be >= 1 but is " + sequenceNr);
    }
  }

  /** An entry to write: the store assigns ordering and timestamp. */
  public static JournalEntry toWrite(
      String persistenceId, long sequenceNr, Set<String> tags, byte[] payload) {
    return new JournalEntry(0, persistenceId, sequenceNr, tags, 0, payload);
  }
}

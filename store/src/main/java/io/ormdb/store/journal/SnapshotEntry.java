package io.ormdb.store.journal;

import java.util.Objects;

/**
 * A stored snapshot of a persistence id.
 *
 * @param persistenceId the persistence id
 * @param sequenceNr the sequence number the snapshot was taken at
 * @param timestampMillis the snapshot's timestamp (epoch milliseconds, as Pekko's metadata has it)
 * @param payload the serialized snapshot (opaque to the store; not copied, do not modify)
 */
public record SnapshotEntry(
    String persistenceId, long sequenceNr, long timestampMillis, byte[] payload) {
  public SnapshotEntry {
    Objects.requireNonNull(persistenceId, "persistenceId");
    Objects.requireNonNull(payload, "payload");
  }
}

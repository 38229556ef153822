package io.ormdb.cdc.replica.internal;

import io.ormdb.cdc.internal.ChunkReader;
import io.ormdb.cdc.replica.ReplicationItem;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Reads a primary's replication stream from an LSN: before each change set, the schema versions
 * applied before it that the follower has not had, and the history epochs whose last kept LSN the
 * follower has reached (at the start of the stream every such epoch, so that a follower that
 * reconnects learns an epoch that began while it was away, and one that has them already checks
 * them); then change sets in LSN order, skipping the holes between epochs (a chunk stops where a
 * newer schema version or epoch begins); a heartbeat when nothing was committed for a heartbeat
 * interval. Waits for commits by notification, and at most one heartbeat interval (so a schema
 * change without writes reaches the follower within one interval).
 */
public final class ReplicationReader implements ChunkReader<ReplicationItem> {
  private final OrmStore store;
  private final String databaseId;
  private final int chunk;
  private final long heartbeatNanos;
  private long next;
  private long schemaSent;
  private int epochSent = 1;
  private long lastEmitNanos = System.nanoTime();

  /**
   * @param fromLsn the first LSN to send
   * @param schemaKnown the newest schema version the follower has
   */
  public ReplicationReader(
      OrmStore store, long fromLsn, long schemaKnown, int chunk, Duration heartbeat) {
    this.store = store;
    this.databaseId = store.databaseId().orElseThrow();
    this.next = Math.max(1, fromLsn);
    this.schemaSent = schemaKnown;
    this.chunk = chunk;
    this.heartbeatNanos = heartbeat.toNanos();
  }

  @Override
  public List<ReplicationItem> read() {
    List<ReplicationItem> out = new ArrayList<>();
    addSchemas(out);
    List<OrmStore.HistoryEpoch> epochs = store.historyEpochs();
    addEpochs(epochs, out);
    if (next <= store.currentLsn()) {
      long unsentEpoch =
          epochs.size() > epochSent ? epochs.get(epochSent).firstLsn() : Long.MAX_VALUE;
      for (ChangeSet cs : store.changes(next, chunk)) {
        if (cs.schemaVersion() > schemaSent || cs.lsn() >= unsentEpoch) {
          break; // its schema version or epoch goes first, at the next read
        }
        out.add(new ReplicationItem.Changes(cs));
        next = cs.lsn() + 1;
      }
    }
    if (out.isEmpty() && System.nanoTime() - lastEmitNanos >= heartbeatNanos) {
      long lsn = store.currentLsn();
      long ts = lsn == 0 ? 0 : store.changes(lsn, 1).get(0).commitTsMicros();
      out.add(new ReplicationItem.Heartbeat(lsn, ts));
    }
    if (!out.isEmpty()) {
      lastEmitNanos = System.nanoTime();
    }
    return out;
  }

  private void addSchemas(List<ReplicationItem> out) {
    for (OrmStore.SchemaVersion v : store.schemaHistory()) {
      if (v.version() > schemaSent && v.appliedAtLsn() < next) {
        out.add(
            new ReplicationItem.SchemaChange(
                databaseId, v.version(), v.appliedAtLsn(), store.schemaAt(v.version())));
        schemaSent = v.version();
      }
    }
  }

  /** The epochs (oldest first, epoch n at index n - 1) whose last kept LSN is sent, in order. */
  private void addEpochs(List<OrmStore.HistoryEpoch> epochs, List<ReplicationItem> out) {
    while (epochs.size() > epochSent && epochs.get(epochSent).lastLsnKept() < next) {
      OrmStore.HistoryEpoch e = epochs.get(epochSent);
      out.add(new ReplicationItem.HistoryEpoch(e.epoch(), e.firstLsn(), e.lastLsnKept()));
      epochSent = e.epoch();
    }
  }

  @Override
  public CompletionStage<?> whenMore() {
    long waitNanos = Math.max(1, heartbeatNanos - (System.nanoTime() - lastEmitNanos));
    return store.lsnAfter(next - 1).completeOnTimeout(next - 1, waitNanos, TimeUnit.NANOSECONDS);
  }
}

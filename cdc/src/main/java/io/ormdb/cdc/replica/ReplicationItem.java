package io.ormdb.cdc.replica;

import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.schema.SchemaBundle;

/**
 * What a replication stream carries, in the order a replica must apply it: the primary's schema
 * versions (each before the first change set written with it), its history epochs (each once the
 * replica has the last LSN it keeps, before its first change set; at the start of a stream, every
 * epoch the replica's position has reached), its committed change sets in LSN order, and heartbeats
 * while nothing is committed (they tell the replica the primary's position and keep the
 * connection's idle timeout from firing).
 */
public sealed interface ReplicationItem extends ReplicationMessage {

  /**
   * Schema {@code version} of database {@code databaseId}, applied after LSN {@code appliedAtLsn}.
   */
  record SchemaChange(String databaseId, long version, long appliedAtLsn, SchemaBundle bundle)
      implements ReplicationItem {}

  /**
   * The primary's history epoch {@code epoch}: its changelog continues at {@code firstLsn} after
   * {@code lastLsnKept}, a recovery having discarded (or possibly discarded) the LSNs between them
   * ({@link io.ormdb.store.OrmStore#historyEpochs()}).
   */
  record HistoryEpoch(int epoch, long firstLsn, long lastLsnKept) implements ReplicationItem {}

  /** One committed change set. */
  record Changes(ChangeSet set) implements ReplicationItem {}

  /** The primary's newest LSN and that change set's commit time (µs; 0 before the first commit). */
  record Heartbeat(long primaryLsn, long commitTsMicros) implements ReplicationItem {}
}

package io.ormdb.cdc.replica;

/**
 * Where a replica stands.
 *
 * @param connected whether a replication stream from the primary is open
 * @param appliedLsn the newest LSN the replica has applied (durably)
 * @param primaryLsn the newest primary LSN the replica knows of (from change sets and heartbeats)
 * @param lagEntries change sets known to be committed on the primary and not yet applied (the LSNs
 *     between the two, less those in the hole before a history epoch the replica has recorded)
 * @param lagMillis how far behind the replica is in the primary's commit time: the commit time of
 *     the newest known primary change set minus that of the newest applied one (0 when caught up;
 *     both times come from the primary's clock)
 * @param reconnects streams opened after the first one (reconnects after failures or restarts)
 * @param lastError why the last stream ended or a follow request was refused; empty if none
 */
public record ReplicaStatus(
    boolean connected,
    long appliedLsn,
    long primaryLsn,
    long lagEntries,
    long lagMillis,
    long reconnects,
    String lastError) {}

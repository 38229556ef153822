/**
 * CDC replicas: a primary serves its changelog to followers ({@link
 * io.ormdb.cdc.replica.ReplicationSource}, over Pekko remoting with stream refs); a replica node
 * follows it ({@link io.ormdb.cdc.replica.Replica}), applies every change set and schema version to
 * its own store in LSN order, serves reads, refuses writes with READ_ONLY_REPLICA and reports its
 * lag ({@link io.ormdb.cdc.replica.ReplicaStatus}).
 */
package io.ormdb.cdc.replica;

package io.ormdb.cdc.replica;

/**
 * Every message of the replication protocol: bound to the replication serializer (Kryo, the
 * protocol's table plus ids 1200-1219), so they travel between a primary and its replicas.
 */
public interface ReplicationMessage {}

/** Internal: the replication stream's reader and the replication messages' serializer. */
package io.ormdb.cdc.replica.internal;

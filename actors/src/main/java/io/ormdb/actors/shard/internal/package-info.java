/** Shard hosting implementations: a local host and Cluster Sharding. */
package io.ormdb.actors.shard.internal;

/** Entity shards (one per entity type and partition) and how they are hosted. */
package io.ormdb.actors.shard;

/** The write path: batches validated by the entity shards owning their rows, committed once. */
package io.ormdb.actors.commit;

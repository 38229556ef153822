/** Commit coordination of mutation batches across entity shards. */
package io.ormdb.actors.commit;

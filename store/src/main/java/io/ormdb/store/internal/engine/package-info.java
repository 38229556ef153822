/**
 * Internal, not an API: the storage engine behind {@link io.ormdb.store.OrmStore} — the committer
 * and its group commit, the write path, schema and replica apply, recovery, compaction and read
 * views.
 */
package io.ormdb.store.internal.engine;

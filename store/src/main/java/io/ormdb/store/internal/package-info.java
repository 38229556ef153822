/**
 * Internal: the MVStore-backed implementation behind {@link io.ormdb.store.OrmStore} (codecs,
 * catalog, write path, snapshots, group commit, compaction); not an API, MVStore types stay here.
 */
package io.ormdb.store.internal;

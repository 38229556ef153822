/**
 * Storage for Pekko Persistence and change-feed consumers in the store's own file: journal entries,
 * snapshots and named consumer offsets, written through the store's committer (one group commit,
 * one fsync) and free of MVStore and Pekko types.
 */
package io.ormdb.store.journal;

/**
 * The read journal ({@code ormdb.query}): {@code eventsByTag} and {@code eventsByPersistenceId},
 * current and live, over the store's journal (offset: the global ordering) and its changelog (tag
 * {@code changelog} and the changelog persistence id; offset: the LSN).
 */
package io.ormdb.cdc.query;

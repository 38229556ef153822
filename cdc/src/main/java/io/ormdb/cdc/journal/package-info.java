/**
 * The Pekko Persistence journal ({@code ormdb.journal}) and snapshot-store ({@code
 * ormdb.snapshot-store}) plugins over the store file; the persistence id {@code ormdb-changelog} is
 * the store's own changelog, read-only.
 */
package io.ormdb.cdc.journal;

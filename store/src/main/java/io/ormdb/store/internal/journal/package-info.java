/**
 * Internal, not an API: Pekko Persistence journal and snapshot storage and named consumer offsets,
 * kept in maps of the store file and written through the committer.
 */
package io.ormdb.store.internal.journal;

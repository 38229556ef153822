package io.ormdb.store;

/**
 * What {@link OrmStore#compactFile(StoreConfig)} did.
 *
 * @param bytesBefore the database file's size before
 * @param bytesAfter its size after: every map rewritten densely
 */
public record FileCompaction(long bytesBefore, long bytesAfter) {}

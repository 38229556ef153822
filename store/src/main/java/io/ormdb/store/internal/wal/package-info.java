/**
 * Internal: the write-ahead log — commit groups' map writes appended and synced to segment files,
 * and read back at recovery with every record checked.
 */
package io.ormdb.store.internal.wal;

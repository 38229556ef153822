/**
 * One adapter per system under test (ORMDB, raw MVStore, H2, SQLite); each runs in its own child
 * JVM, and the JDBC ones reference neither ORMDB nor MVStore.
 */
package io.ormdb.bench.systems;

/** The storage engine facade: open a store, apply schemas, commit batches, take snapshots. */
package io.ormdb.store;

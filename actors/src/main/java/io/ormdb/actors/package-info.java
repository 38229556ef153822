/**
 * The actor layer of ORMDB: sessions, their reads and writes, entity shards, commit coordination.
 */
package io.ormdb.actors;

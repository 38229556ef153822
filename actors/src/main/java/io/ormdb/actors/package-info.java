/** The actor layer of ORMDB: sessions, planning, execution, entity shards, commit coordination. */
package io.ormdb.actors;

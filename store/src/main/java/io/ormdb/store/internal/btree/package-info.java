/**
 * Internal, not an API: our helpers over MVStore's B-tree — the unsigned byte-array key and value
 * type and a cursor over the leaves of a pinned root.
 */
package io.ormdb.store.internal.btree;

/**
 * Internal, not an API: applied schema versions compiled for the engine (stable ids, implicit
 * indexes and foreign keys, bound checks) and the checks of a schema and of a mutation against it.
 */
package io.ormdb.store.internal.catalog;

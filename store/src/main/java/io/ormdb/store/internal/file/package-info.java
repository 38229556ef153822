/**
 * Internal, not an API: the store file — its one owner per process, opening it (with errors in
 * plain words and a file channel that survives interrupts) and the maps in it.
 */
package io.ormdb.store.internal.file;

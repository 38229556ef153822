/**
 * Internal, not an API: the MVStore-backed implementation behind {@link io.ormdb.store.OrmStore},
 * in sub-packages by what they hold ({@code codec}, {@code btree}, {@code file}, {@code catalog},
 * {@code journal}, {@code engine}); MVStore types stay inside them.
 */
package io.ormdb.store.internal;

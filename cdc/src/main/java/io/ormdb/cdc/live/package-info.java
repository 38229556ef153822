/**
 * Live queries: a graph query's result as of an LSN, then what entered, changed or left it for
 * every committed change set that affects it ({@link io.ormdb.cdc.live.LiveQueries}, {@link
 * io.ormdb.cdc.live.LiveEvent}), and a subscriber-side view that applies those events ({@link
 * io.ormdb.cdc.live.LiveView}).
 */
package io.ormdb.cdc.live;

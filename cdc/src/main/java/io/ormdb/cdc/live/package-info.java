/**
 * Live queries: a graph query's result as of an LSN, then what entered, changed or left it as
 * committed change sets affect it ({@link io.ormdb.cdc.live.LiveQueries}, {@link
 * io.ormdb.cdc.live.LiveEvent}), maintained for all subscriptions of a store by one hub that skips,
 * edits in place or re-runs per query, and a subscriber-side view that applies those events ({@link
 * io.ormdb.cdc.live.LiveView}).
 */
package io.ormdb.cdc.live;

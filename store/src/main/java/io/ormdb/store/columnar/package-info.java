/**
 * The columnar store for aggregates: per-entity column segments kept consistent with the changelog
 * and used by count, sum, avg, min and max with GROUP BY.
 */
package io.ormdb.store.columnar;

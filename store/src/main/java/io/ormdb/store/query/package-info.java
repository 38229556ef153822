/**
 * The query engine: resolves, plans and runs graph queries, aggregates and explains against one
 * {@link io.ormdb.store.view.ReadView}, with a plan cache keyed by query shape.
 */
package io.ormdb.store.query;

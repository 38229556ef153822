/**
 * The query language: method chains to graph queries, aggregates, explains and mutation batches.
 */
package io.ormdb.protocol.lang.query;

/**
 * Read results: columnar entity blocks, edge blocks, aggregates, explain, and object rebuilding.
 */
package io.ormdb.protocol.result;

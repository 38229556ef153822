/**
 * Internal, not an API: the byte encodings of the store file — order-preserving keys, values, rows,
 * schema bundles, filters and change sets — with no dependency on the rest of the engine.
 */
package io.ormdb.store.internal.codec;

/**
 * Typed values: the wire and storage representation of every field, with ordering and conversion.
 */
package io.ormdb.protocol.value;

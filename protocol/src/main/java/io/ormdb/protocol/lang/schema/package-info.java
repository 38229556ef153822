/** The schema language: text to {@code SchemaBundle} and back to canonical text. */
package io.ormdb.protocol.lang.schema;

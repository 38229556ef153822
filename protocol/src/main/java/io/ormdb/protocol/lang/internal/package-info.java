/**
 * Not API: the lexer, token stream and filter-expression parser shared by the schema and query
 * parsers.
 */
package io.ormdb.protocol.lang.internal;

/**
 * The text languages: the schema language ({@code .ormdb} files) and the query language, their
 * shared parse error, and a printer that renders filters back to text.
 */
package io.ormdb.protocol.lang;

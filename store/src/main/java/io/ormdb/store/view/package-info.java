/**
 * The read boundary between the storage engine and the query engine: snapshot views of rows and
 * indexes.
 */
package io.ormdb.store.view;

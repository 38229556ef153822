/**
 * Filter binding (validation against the schema) and three-valued evaluation, shared by writes and
 * reads.
 */
package io.ormdb.store.filter;

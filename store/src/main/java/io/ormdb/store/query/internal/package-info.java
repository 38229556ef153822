/** Implementation of the query engine (resolution, planning, execution); not for callers. */
package io.ormdb.store.query.internal;

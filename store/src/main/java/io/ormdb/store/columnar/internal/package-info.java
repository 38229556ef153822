/** Column segments, their maintenance from the changelog and the aggregate loops over them. */
package io.ormdb.store.columnar.internal;

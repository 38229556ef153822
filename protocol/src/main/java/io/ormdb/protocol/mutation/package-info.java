/** Write requests: typed mutations and atomic batches, and their results. */
package io.ormdb.protocol.mutation;

package io.ormdb.protocol.mutation;

import io.ormdb.protocol.value.Value;
import java.util.List;

/**
 * The outcome of a committed batch.
 *
 * @param lsn the changelog position of this batch's commit (0 when the batch changed nothing)
 * @param affected rows inserted, updated or deleted, cascades included
 * @param insertedIds identities of inserted rows, in mutation order (nested inserts after their
 *     parent)
 */
public record MutationResult(long lsn, int affected, List<Value> insertedIds) {
  public MutationResult {
    insertedIds = List.copyOf(insertedIds);
  }
}

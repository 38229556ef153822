package io.ormdb.protocol.mutation;

import io.ormdb.protocol.value.Value;
import java.util.List;
import java.util.Map;

/**
 * The outcome of a batch the store accepted.
 *
 * <p>A batch whose net effect changes no row — an update or upsert that sets what is stored
 * already, an {@code updateMany} or {@code deleteMany} that matches nothing, an empty batch —
 * commits nothing: it takes no LSN and writes no changelog entry. Its result says so: {@link
 * #committed()} is false, {@code affected} is 0, and {@code lsn} is the LSN of the state it was
 * evaluated against (the newest commit it saw; 0 before the first commit). Either way, a read at
 * {@code lsn} or later sees the batch's outcome.
 *
 * @param lsn the changelog position of this batch's commit; for a batch that changed nothing, the
 *     LSN it read at
 * @param affected rows inserted, updated or deleted, cascades included; 0 exactly when nothing was
 *     committed
 * @param insertedIds identities of inserted rows, in mutation order (nested inserts after their
 *     parent)
 * @param named the identity of each row a mutation of the batch named ({@code let ann =
 *     User.create(...)}, {@link Mutation.Insert#named}), by name
 */
public record MutationResult(
    long lsn, int affected, List<Value> insertedIds, Map<String, Value> named) {
  public MutationResult {
    insertedIds = List.copyOf(insertedIds);
    named = named == null ? Map.of() : Map.copyOf(named);
  }

  public MutationResult(long lsn, int affected, List<Value> insertedIds) {
    this(lsn, affected, insertedIds, Map.of());
  }

  /**
   * Whether the batch was committed (at {@link #lsn()}); false when it changed nothing, so that
   * {@link #lsn()} is only the LSN it read at.
   */
  public boolean committed() {
    return affected > 0;
  }
}

package io.ormdb.store.internal.engine;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.schema.SchemaBundle;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Work for the {@link Committer}: each kind completes its future after the commit group it ran in
 * (with the durability the store promises), or fails it.
 */
sealed interface Task {
  CompletableFuture<?> future();

  /**
   * Whether this task counts against the queue's capacity: the work of clients does; the store's
   * own work (compaction, slices of the columnar store, closing) never does and is never refused.
   */
  default boolean counts() {
    return true;
  }

  default void fail(OrmDbException e) {
    future().completeExceptionally(e);
  }

  /**
   * What this task writes, in words for the error of a read-only store that refuses it ("commits",
   * "schema changes"); null for a task that writes nothing.
   */
  String writes();

  /** A client's batch of mutations. */
  record Batch(MutationBatch batch, CompletableFuture<MutationResult> future) implements Task {
    Batch(MutationBatch batch) {
      this(batch, new CompletableFuture<>());
    }

    @Override
    public String writes() {
      return "commits";
    }
  }

  /** A client's schema. */
  record Schema(SchemaBundle bundle, CompletableFuture<Long> future) implements Task {
    Schema(SchemaBundle bundle) {
      this(bundle, new CompletableFuture<>());
    }

    @Override
    public String writes() {
      return "schema changes";
    }
  }

  /**
   * A write of another component (journal, offsets) that shares the group commit; it must write
   * nothing when it throws an OrmDbException.
   */
  record Write<T>(Supplier<T> write, CompletableFuture<T> future) implements Task {
    Write(Supplier<T> write) {
      this(write, new CompletableFuture<>());
    }

    @Override
    public String writes() {
      return "journal and offset writes";
    }
  }

  /** A change set replicated from the primary. */
  record Replicated(ChangeSet set, CompletableFuture<Long> future) implements Task {
    Replicated(ChangeSet set) {
      this(set, new CompletableFuture<>());
    }

    @Override
    public String writes() {
      return "replicated change sets";
    }
  }

  /** A schema version replicated from the primary. */
  record ReplicatedSchema(
      String primaryId,
      long version,
      long appliedAtLsn,
      SchemaBundle bundle,
      CompletableFuture<Long> future)
      implements Task {
    ReplicatedSchema(String primaryId, long version, long appliedAtLsn, SchemaBundle bundle) {
      this(primaryId, version, appliedAtLsn, bundle, new CompletableFuture<>());
    }

    @Override
    public String writes() {
      return "replicated schema versions";
    }
  }

  /** A history epoch of the primary, replicated before its first change set. */
  record ReplicatedEpoch(
      int number, long firstLsn, long lastKept, CompletableFuture<Boolean> future) implements Task {
    ReplicatedEpoch(int number, long firstLsn, long lastKept) {
      this(number, firstLsn, lastKept, new CompletableFuture<>());
    }

    @Override
    public String writes() {
      return "replicated history epochs";
    }
  }

  /** A compaction pass, one slice per commit group. */
  record Compact(Compaction.Pass pass, CompletableFuture<Long> future) implements Task {
    Compact() {
      this(new Compaction.Pass(), new CompletableFuture<>());
    }

    @Override
    public boolean counts() {
      return false;
    }

    @Override
    public String writes() {
      return "compactions";
    }
  }

  /** Background work of another component (the columnar store), one slice per commit group. */
  record Slice(BooleanSupplier slice, CompletableFuture<Void> future) implements Task {
    Slice(BooleanSupplier slice) {
      this(slice, new CompletableFuture<>());
    }

    @Override
    public boolean counts() {
      return false;
    }

    @Override
    public String writes() {
      return "columnar checkpoints";
    }
  }

  /**
   * A checkpoint now, after the group it is in: the file written from the log and synced, the log
   * started over (an operator's or a test's request; the committer takes its own when due).
   */
  record Checkpoint(CompletableFuture<Void> future) implements Task {
    Checkpoint() {
      this(new CompletableFuture<>());
    }

    @Override
    public boolean counts() {
      return false;
    }

    @Override
    public String writes() {
      return null;
    }
  }

  /** Stops the committer: the tasks queued behind it fail. */
  record Close(CompletableFuture<Void> future) implements Task {
    Close() {
      this(new CompletableFuture<>());
    }

    @Override
    public boolean counts() {
      return false;
    }

    @Override
    public void fail(OrmDbException e) {}

    @Override
    public String writes() {
      return null;
    }
  }
}

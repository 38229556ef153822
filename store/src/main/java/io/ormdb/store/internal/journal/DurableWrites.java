package io.ormdb.store.internal.journal;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** How the journal and the offsets write: through the store's committer, in its group commit. */
public interface DurableWrites {
  /**
   * Runs {@code write} on the committer thread as part of the next commit group; the future
   * completes once that group is durable per the durability mode, or fails when the write throws an
   * OrmDbException (it must then have written nothing) or the store fails.
   */
  <T> CompletableFuture<T> writeDurably(Supplier<T> write);
}

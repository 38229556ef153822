package io.ormdb.store.columnar;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link ColumnCheckpointTest}'s kill test: builds and checkpoints columns, then
 * commits, aggregates and starts checkpoints without waiting for them, printing {@code ACK <n>} per
 * commit, until it is killed.
 */
public final class ColumnCrashChild {
  private ColumnCrashChild() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    OrmStore store = OrmStore.open(StoreConfig.of(Path.of(args[0])));
    store.applySchema(ColumnCheckpointTest.sales(1, ColumnCheckpointTest.fields()));
    ColumnCheckpointTest.fill(store, 0, 70_000);
    store.aggregate(ColumnCheckpointTest.byKind());
    store.columnStore().checkpoint().join();
    for (long i = 0; ; i++) {
      long id = 100_000 + i;
      store.commit(
          new MutationBatch(
              List.of(
                  new Mutation.Insert("Sale", ColumnCheckpointTest.row(id)),
                  new Mutation.Update(
                      "Sale", Value.of(i % 70_000), Map.of("amount", Value.of((int) i)), 0))));
      if (i % 10 == 0) {
        store.aggregate(ColumnCheckpointTest.byKind());
      }
      if (i % 40 == 0) {
        store.columnStore().checkpoint(); // not waited for: the kill may cut it short
      }
      out.println("ACK " + i);
    }
  }
}

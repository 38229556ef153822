package io.ormdb.store;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child JVM of {@link WriteAheadLogTest}'s small-heap test (its heap is {@link ChildJvm}'s 256
 * MB): commits about 30 MB of rows to the store in {@code args[0]}, whose log size (1 GiB) and
 * interval (an hour) never make a checkpoint due, closes it and prints the checkpoints taken before
 * the close and the heap's maximum.
 */
public final class SmallHeapChild {
  private SmallHeapChild() {}

  public static void main(String[] args) {
    StoreConfig config =
        StoreConfig.of(Path.of(args[0]))
            .withCheckpoints(
                new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 30, 50, 16L << 20));
    long checkpoints;
    try (OrmStore store = OrmStore.open(config)) {
      store.applySchema(
          SchemaParser.parse("entity Event {\n  id int64 @id\n  payload string\n}\n"));
      long before = store.stats().checkpoints();
      String payload = "p".repeat(1_000);
      for (int b = 0; b < 30; b++) {
        List<Mutation> batch = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
          batch.add(
              new Mutation.Insert(
                  "Event", Map.of("id", Value.of(b * 1_000L + i), "payload", Value.of(payload))));
        }
        store.commit(new MutationBatch(batch));
      }
      checkpoints = store.stats().checkpoints() - before;
    }
    System.out.println("checkpoints " + checkpoints + " heap " + Runtime.getRuntime().maxMemory());
  }
}

package io.ormdb.store;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.OnDelete;
import io.ormdb.protocol.schema.RelationDef;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The child JVM of {@link CrashRecoveryTest}: commits batches from several threads as fast as it
 * can and prints {@code ACK <batchId>} for each acknowledged one, until it is killed.
 */
public final class CrashChild {
  private CrashChild() {}

  static final int ITEMS_PER_BATCH = 3;

  static SchemaBundle schema() {
    return new SchemaBundle(
        0,
        List.of(),
        List.of(
            new EntityDef(
                "Batch",
                "id",
                List.of(
                    TestSchemas.f("id", ValueType.INT64), TestSchemas.f("round", ValueType.INT32)),
                false,
                List.of()),
            new EntityDef(
                "Item",
                "id",
                List.of(
                    TestSchemas.f("id", ValueType.STRING),
                    TestSchemas.f("batchId", ValueType.INT64),
                    TestSchemas.f("payload", ValueType.STRING)),
                false,
                List.of())),
        List.of(RelationDef.oneToMany("items", "Batch", "id", "Item", "batchId", OnDelete.CASCADE)),
        List.of(),
        List.of(),
        List.of());
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int round = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    boolean async = args.length > 3 && args[3].equals("async");
    StoreConfig config = async ? StoreConfig.of(dir).withAsync(20) : StoreConfig.of(dir);
    OrmStore store = OrmStore.open(config);
    if (store.schemaVersions().isEmpty()) {
      store.applySchema(schema());
    }
    out.println("READY");
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                for (long i = 0; ; i++) {
                  long batchId = round * 10_000_000L + thread * 1_000_000L + i;
                  List<Mutation> ms = new ArrayList<>();
                  ms.add(
                      new Mutation.Insert(
                          "Batch",
                          java.util.Map.of("id", Value.of(batchId), "round", Value.of(round))));
                  for (int k = 0; k < ITEMS_PER_BATCH; k++) {
                    ms.add(
                        new Mutation.Insert(
                            "Item",
                            java.util.Map.of(
                                "id", Value.of(batchId + "-" + k),
                                "batchId", Value.of(batchId),
                                "payload", Value.of("x".repeat(50 + k)))));
                  }
                  if (i > 0 && i % 7 == 0) {
                    // deletes and cascades are part of the workload too
                    ms.add(new Mutation.Delete("Batch", Value.of(batchId - 7), 0));
                  }
                  store.commit(new MutationBatch(ms));
                  out.println("ACK " + batchId);
                }
              });
      th.start();
      ts.add(th);
    }
    for (Thread th : ts) {
      th.join();
    }
  }
}

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The child JVM of {@link CrashRecoveryTest}: commits batches from several threads as fast as it
 * can and prints {@code ACK <batchId>} for each acknowledged one, until it is killed.
 *
 * <p>Arguments: data directory, round, writer threads, {@code sync|async}, {@code tiny|default}
 * checkpoints. With {@code tiny} ({@link #TINY}) the store takes a checkpoint every 20 ms of
 * writing and, after each, rewrites the chunks below 99 % live data, so that many checkpoints and
 * space-reclamation passes run each second and a kill lands in them. Whenever its checkpoint or
 * reclamation count changed, the first writer prints {@code STATS <checkpoints> <reclaim passes>
 * <passes that rewrote chunks> <file bytes> <fill rate> <log bytes>} after its acknowledgement. A
 * watcher thread prints {@code CHECKPOINT <written> <finished>} whenever either count changed: a
 * checkpoint is in flight (the file being written or synced, older log segments not yet deleted)
 * while fewer are finished than written.
 */
public final class CrashChild {
  private CrashChild() {}

  static final int ITEMS_PER_BATCH = 3;

  /**
   * Checkpoints as often as the store allows: every 20 ms of writing (the smallest log size is 1
   * MiB, which a round does not reach), then reclamation of every chunk below 99 % live data, up to
   * 1 MiB per checkpoint.
   */
  static final StoreConfig.Checkpoints TINY =
      new StoreConfig.Checkpoints(Duration.ofMillis(20), 1L << 20, 99, 1L << 20);

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
    boolean async = args[3].equals("async");
    boolean tiny = args[4].equals("tiny");
    StoreConfig config = async ? StoreConfig.of(dir).withAsync(20) : StoreConfig.of(dir);
    if (tiny) {
      config = config.withCheckpoints(TINY);
    }
    OrmStore store = OrmStore.open(config);
    if (store.schemaVersions().isEmpty()) {
      store.applySchema(schema());
    }
    watchCheckpoints(store, out);
    out.println("READY");
    Report report = new Report();
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
                  if (thread == 0) {
                    report.print(store, out);
                  }
                }
              });
      th.start();
      ts.add(th);
    }
    for (Thread th : ts) {
      th.join();
    }
  }

  /** Starts the thread that prints {@code CHECKPOINT <written> <finished>} on every change. */
  static void watchCheckpoints(OrmStore store, PrintStream out) {
    Thread t =
        new Thread(
            () -> {
              long written = -1;
              long finished = -1;
              while (true) {
                OrmStore.LogActivity a = store.logActivity();
                if (a.checkpoints() != written || a.checkpointsFinished() != finished) {
                  written = a.checkpoints();
                  finished = a.checkpointsFinished();
                  out.println("CHECKPOINT " + written + " " + finished);
                }
                LockSupport.parkNanos(50_000);
              }
            },
            "checkpoint-watcher");
    t.setDaemon(true);
    t.start();
  }

  /** Prints a {@code STATS} line when checkpoints or reclamation passes moved on; one thread. */
  private static final class Report {
    private long checkpoints = -1;
    private long passes = -1;

    void print(OrmStore store, PrintStream out) {
      StoreStats s = store.stats();
      OrmStore.LogActivity a = store.logActivity();
      if (s.checkpoints() != checkpoints || a.reclaimPasses() != passes) {
        checkpoints = s.checkpoints();
        passes = a.reclaimPasses();
        out.println(
            "STATS "
                + checkpoints
                + " "
                + passes
                + " "
                + a.reclaimRewrites()
                + " "
                + s.fileBytes()
                + " "
                + s.fillRate()
                + " "
                + s.logBytes());
      }
    }
  }
}

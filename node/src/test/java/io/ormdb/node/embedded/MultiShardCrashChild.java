package io.ormdb.node.embedded;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.LogActivityAccess;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreStats;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The child JVM of {@link MultiShardCrashTest}: an embedded node (8 partitions) whose writers
 * commit batches through the actor layer until the parent kills it. Batch {@code b} inserts {@link
 * #parts(long)} rows {@code Part} with ids {@code b * 8 + j}, spread over the partitions; every
 * fourth batch of a writer also deletes the rows of its batch two before. Each acknowledged batch
 * is printed as {@code ACK <b>}.
 *
 * <p>Arguments: data directory, round, writers, {@code tiny|default} checkpoints. With {@code tiny}
 * ({@link #TINY_CHECKPOINTS}) the store takes a checkpoint every 20 ms of writing and, after each,
 * rewrites the chunks below 99 % live data, so that a kill lands in checkpoints and reclamation.
 * After the open it prints {@code OPENED <log records replayed> <torn bytes ignored>}; whenever its
 * checkpoint or reclamation count changed, the first writer prints {@code STATS <checkpoints>
 * <reclaim passes> <passes that rewrote chunks> <file bytes> <fill rate> <log bytes>} after its
 * acknowledgement. A watcher thread prints {@code CHECKPOINT <written> <finished>} whenever either
 * count changed: a checkpoint is in flight (the file being written or synced, older log segments
 * not yet deleted) while fewer are finished than written.
 */
public final class MultiShardCrashChild {
  private MultiShardCrashChild() {}

  static final String SCHEMA =
      """
      entity Part {
        id    int64 @id
        batch int64
      }
      """;

  /**
   * Checkpoints as often as the store allows: every 20 ms of writing (the smallest log size, 1 MiB,
   * is not reached in a round), then reclamation of every chunk below 99 % live data.
   */
  static final String TINY_CHECKPOINTS =
      "ormdb.checkpoint { interval = 20ms, log-size = 1MiB, target-fill-rate = 99,"
          + " rewrite-budget = 1MiB }\n";

  /** How many rows batch {@code b} inserts: 3 to 6. */
  static int parts(long b) {
    return 3 + (int) (b % 4);
  }

  /** The batch whose rows batch {@code b} deletes, or -1. */
  static long deletes(long b) {
    long i = b % 1_000_000L;
    return i >= 2 && i % 4 == 0 ? b - 2 : -1;
  }

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    int round = Integer.parseInt(args[1]);
    int writers = Integer.parseInt(args[2]);
    boolean tiny = args[3].equals("tiny");
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "shardcrash",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \""
                        + dir.replace("\\", "\\\\")
                        + "\"\normdb.partitions = 8\npekko.loglevel = WARNING\n"
                        + "pekko.log-dead-letters = off\n"
                        + (tiny ? TINY_CHECKPOINTS : ""))
                .withFallback(ConfigFactory.load()));
    OrmDb db = OrmDb.get(system);
    OrmStore store = db.store();
    out.println(
        "OPENED "
            + LogActivityAccess.replayedRecords(store)
            + " "
            + LogActivityAccess.tornBytesIgnored(store));
    if (db.store().schemaVersions().isEmpty()) {
      db.applySchema(SCHEMA).toCompletableFuture().join();
    }
    watchCheckpoints(store, out);
    out.println("READY");
    Report report = new Report();
    for (int t = 0; t < writers; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                for (long i = 0; ; i++) {
                  long b = round * 10_000_000L + thread * 1_000_000L + i;
                  List<Mutation> ms = new ArrayList<>();
                  for (int j = 0; j < parts(b); j++) {
                    ms.add(
                        new Mutation.Insert(
                            "Part", Map.of("id", Value.of(b * 8 + j), "batch", Value.of(b))));
                  }
                  long gone = deletes(b);
                  if (gone >= 0) {
                    for (int j = 0; j < parts(gone); j++) {
                      ms.add(new Mutation.Delete("Part", Value.of(gone * 8 + j), 0));
                    }
                  }
                  db.mutate(new MutationBatch(ms)).toCompletableFuture().join();
                  out.println("ACK " + b);
                  if (thread == 0) {
                    report.print(store, out);
                  }
                }
              });
      th.setDaemon(true);
      th.start();
    }
  }

  /** Starts the thread that prints {@code CHECKPOINT <written> <finished>} on every change. */
  private static void watchCheckpoints(OrmStore store, PrintStream out) {
    Thread t =
        new Thread(
            () -> {
              long[] last = {-1, -1};
              while (true) {
                long[] now = LogActivityAccess.checkpointsWrittenAndFinished(store);
                if (now[0] != last[0] || now[1] != last[1]) {
                  last = now;
                  out.println("CHECKPOINT " + now[0] + " " + now[1]);
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
      long p = LogActivityAccess.reclaimPasses(store);
      if (s.checkpoints() != checkpoints || p != passes) {
        checkpoints = s.checkpoints();
        passes = p;
        out.println(
            "STATS "
                + checkpoints
                + " "
                + passes
                + " "
                + LogActivityAccess.reclaimRewrites(store)
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

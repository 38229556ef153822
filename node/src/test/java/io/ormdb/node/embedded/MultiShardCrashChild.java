package io.ormdb.node.embedded;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The child JVM of {@link MultiShardCrashTest}: an embedded node (8 partitions) whose writers
 * commit batches through the actor layer until the parent kills it. Batch {@code b} inserts {@link
 * #parts(long)} rows {@code Part} with ids {@code b * 8 + j}, spread over the partitions; every
 * fourth batch of a writer also deletes the rows of its batch two before. Each acknowledged batch
 * is printed as {@code ACK <b>}.
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
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "shardcrash",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \""
                        + dir.replace("\\", "\\\\")
                        + "\"\normdb.partitions = 8\npekko.loglevel = WARNING\n"
                        + "pekko.log-dead-letters = off")
                .withFallback(ConfigFactory.load()));
    OrmDb db = OrmDb.get(system);
    if (db.store().schemaVersions().isEmpty()) {
      db.applySchema(SCHEMA).toCompletableFuture().join();
    }
    out.println("READY");
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
                }
              });
      th.setDaemon(true);
      th.start();
    }
  }
}

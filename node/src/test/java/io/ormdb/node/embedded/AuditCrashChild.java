package io.ormdb.node.embedded;

import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.journal.ConsumerOffset;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The child JVM of {@link AuditSinkCrashTest}: an embedded node whose audit sink is enabled by
 * configuration (small files, small batches) while writers commit batches through the actor layer
 * and print {@code A <lsn>} for each acknowledged one — until the parent kills it. With {@code
 * drain} it runs no writers, waits until the sink's offset covers the last committed change, shuts
 * the node down cleanly and prints {@code DONE}.
 */
public final class AuditCrashChild {
  private AuditCrashChild() {}

  static final long MAX_FILE_BYTES = 4096;

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    int round = Integer.parseInt(args[1]);
    int writers = Integer.parseInt(args[2]);
    boolean drain = args.length > 3 && args[3].equals("drain");
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "auditcrash",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \""
                        + dir.replace("\\", "\\\\")
                        + "\"\normdb.audit.enabled = on"
                        + "\normdb.audit.max-file-bytes = "
                        + MAX_FILE_BYTES
                        + "\normdb.audit.batch-size = 20"
                        + "\normdb.audit.flush-interval = 5ms"
                        + "\npekko.loglevel = WARNING\npekko.log-dead-letters = off")
                .withFallback(ConfigFactory.load()));
    OrmDb db = OrmDb.get(system);
    if (db.store().schemaVersions().isEmpty()) {
      db.applySchema(FeedCrashChild.SCHEMA).toCompletableFuture().join();
    }
    db.startConfiguredAuditSink().orElseThrow();
    out.println("READY");
    if (drain) {
      ConsumerOffset last = lastEvent(db);
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(20))
          .until(() -> !db.consumer("audit").offset().isBefore(last));
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      out.println("DONE");
      return;
    }
    for (int t = 0; t < writers; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                for (long i = 0; ; i++) {
                  long id = round * 10_000_000L + thread * 1_000_000L + i;
                  List<Mutation> ms = new ArrayList<>();
                  ms.add(note(id, i));
                  if (i % 3 == 0) {
                    ms.add(note(id + 500_000, i));
                  }
                  if (i > 0 && i % 5 == 0) {
                    ms.add(
                        new Mutation.Update(
                            "Note", Value.of(id - 1), Map.of("text", Value.of("u" + i)), 0));
                  }
                  if (i > 0 && i % 7 == 0) {
                    ms.add(new Mutation.Delete("Note", Value.of(id - 2), 0));
                  }
                  long lsn = db.mutate(new MutationBatch(ms)).toCompletableFuture().join().lsn();
                  out.println("A " + lsn);
                }
              });
      th.setDaemon(true);
      th.start();
    }
  }

  /** The position of the newest committed change (START when there is none). */
  private static ConsumerOffset lastEvent(OrmDb db) {
    ConsumerOffset last = ConsumerOffset.START;
    long from = 1;
    List<ChangeSet> page;
    do {
      page = db.store().changes(from, 500);
      for (ChangeSet cs : page) {
        for (ChangeEvent e : cs.events()) {
          last = new ConsumerOffset(e.lsn(), e.index());
        }
        from = cs.lsn() + 1;
      }
    } while (!page.isEmpty());
    return last;
  }

  private static Mutation note(long id, long i) {
    // every few lines a long one, so that files rotate at varying points
    String text = i % 11 == 0 ? "n" + id + "-" + "x".repeat(600) : "n" + id;
    return new Mutation.Insert("Note", Map.of("id", Value.of(id), "text", Value.of(text)));
  }
}

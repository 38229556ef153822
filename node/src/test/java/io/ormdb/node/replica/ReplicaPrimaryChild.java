package io.ormdb.node.replica;

import com.typesafe.config.ConfigFactory;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The primary JVM of {@link ReplicaTwoJvmTest}: an embedded node with remoting on 127.0.0.1 that
 * serves replicas. It prints {@code PORT <port>}, then obeys lines on stdin: {@code write <n>
 * <seed>} (n batches from 4 writers through the actor layer, then {@code OK <lsn>}), {@code flood
 * <seed>} (writers that never stop, until the parent kills the JVM), {@code schema2} (a compatible
 * schema change, then {@code OK <lsn>}), {@code exit} (a clean shutdown, then {@code BYE}).
 */
public final class ReplicaPrimaryChild {
  private ReplicaPrimaryChild() {}

  static final String V1 =
      """
      entity Account {
        id      int64  @id
        owner   string @unique
        balance int64  @index
        relation entries: one to many Entry by accountId on delete cascade
      }
      entity Entry {
        id        int64 @id
        accountId int64
        amount    int64
      }
      """;

  static final String V2 =
      V1.replace("  amount    int64\n", "  amount    int64\n  memo      string @default(\"-\")\n");

  public static void main(String[] args) throws Exception {
    String dir = args[0];
    int port = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(System.out, true, "UTF-8");
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "ormdb",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \""
                        + dir.replace("\\", "\\\\")
                        + "\"\n"
                        + "ormdb.replication.serve = on\n"
                        + "ormdb.replication.heartbeat-interval = 300ms\n"
                        + "pekko.actor.provider = remote\n"
                        + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                        + "pekko.remote.artery.canonical.port = "
                        + port
                        + "\npekko.loglevel = WARNING\npekko.log-dead-letters = off")
                .withFallback(ConfigFactory.load()));
    OrmDb db = OrmDb.get(system);
    if (db.store().schemaVersions().isEmpty()) {
      db.applySchema(V1).toCompletableFuture().join();
    }
    int bound =
        ((ExtendedActorSystem) Adapter.toClassic(system))
            .provider()
            .getDefaultAddress()
            .getPort()
            .get();
    out.println("PORT " + bound);
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      String[] c = line.trim().split(" ");
      switch (c[0]) {
        case "write" -> {
          writers(db, Integer.parseInt(c[1]), Long.parseLong(c[2]), false);
          out.println("OK " + db.store().currentLsn());
        }
        case "flood" -> {
          long seed = Long.parseLong(c[1]);
          Thread t = new Thread(() -> writers(db, Integer.MAX_VALUE, seed, true));
          t.setDaemon(true);
          t.start();
          out.println("FLOODING");
        }
        case "schema2" -> {
          db.applySchema(V2).toCompletableFuture().join();
          out.println("OK " + db.store().currentLsn());
        }
        case "exit" -> {
          system.terminate();
          system.getWhenTerminated().toCompletableFuture().join();
          out.println("BYE");
          System.exit(0);
        }
        default -> out.println("ERR unknown command " + line);
      }
    }
    // stdin closed: the parent is gone; do not outlive it
    Runtime.getRuntime().halt(3);
  }

  /** Four writers, {@code batches} batches in all, some refused (duplicate owners). */
  static void writers(OrmDb db, int batches, long seed, boolean forever) {
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Random rnd = new Random(seed * 31 + t);
      int mine = forever ? Integer.MAX_VALUE : batches / 4;
      Thread th =
          new Thread(
              () -> {
                for (int b = 0; b < mine; b++) {
                  long a = rnd.nextInt(40);
                  List<Mutation> ms = new ArrayList<>();
                  ms.add(
                      new Mutation.Upsert(
                          "Account",
                          Map.of("id", Value.of(a)),
                          Map.of(
                              "owner", Value.of("o" + a + "-" + rnd.nextInt(2)),
                              "balance", Value.of((long) rnd.nextInt(1000)))));
                  if (rnd.nextInt(6) == 0) {
                    ms.add(new Mutation.Delete("Account", Value.of((long) rnd.nextInt(40)), 0));
                  } else {
                    ms.add(
                        new Mutation.Upsert(
                            "Entry",
                            Map.of("id", Value.of((long) rnd.nextInt(400))),
                            Map.of(
                                "accountId", Value.of(a),
                                "amount", Value.of((long) rnd.nextInt(100)))));
                  }
                  try {
                    db.mutate(MutationBatch.of(ms.toArray(new Mutation[0])))
                        .toCompletableFuture()
                        .join();
                  } catch (CompletionException e) {
                    if (!(e.getCause() instanceof OrmDbException)) {
                      throw e;
                    }
                  }
                }
              });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      try {
        th.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}

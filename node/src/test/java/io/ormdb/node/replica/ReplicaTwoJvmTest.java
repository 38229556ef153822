package io.ormdb.node.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.ormdb.cdc.replica.ReplicaStatus;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.ChildJvm;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CDC replica across two JVMs on loopback: the primary runs in a child JVM ({@link
 * ReplicaPrimaryChild}) with writers going through its actor layer; this JVM runs a replica node
 * (the OrmDb extension with {@code ormdb.replica.primary} set). The primary is killed with SIGKILL
 * in the middle of writing and restarted; the replica is stopped and restarted while the primary
 * writes; a schema change is replicated. After the writes stop, the replica's full dump (every row
 * of every entity, the whole changelog, the schema history) equals the primary's file at the same
 * LSN. The replica serves reads through its actor layer and refuses writes with READ_ONLY_REPLICA.
 */
class ReplicaTwoJvmTest {
  @TempDir Path dir;

  /** A primary child JVM and the lines it prints. */
  static final class Child implements AutoCloseable {
    final ChildJvm jvm;
    final PrintStream in;
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    final int port;

    Child(Path data, int port) throws Exception {
      jvm =
          ChildJvm.start(
              ReplicaPrimaryChild.class, lines::add, data.toString(), Integer.toString(port));
      in = new PrintStream(jvm.stdin(), true, StandardCharsets.UTF_8);
      try {
        this.port = Integer.parseInt(expect("PORT "));
      } catch (RuntimeException | Error | InterruptedException e) {
        jvm.close(); // never leave a child behind
        throw e;
      }
    }

    /** The next answer (log lines in between are skipped), which must start with prefix. */
    String expect(String prefix) throws InterruptedException {
      while (true) {
        String line = lines.poll(60, TimeUnit.SECONDS);
        assertThat(line).as("the primary answered").isNotNull();
        if (line.matches("^(PORT|OK|BYE|FLOODING|ERR)\\b.*")) {
          assertThat(line).startsWith(prefix);
          return line.substring(prefix.length()).trim();
        }
      }
    }

    /** Sends a command that answers OK <lsn>; returns the LSN. */
    long call(String command) throws InterruptedException {
      in.println(command);
      return Long.parseLong(expect("OK "));
    }

    void kill() throws InterruptedException {
      jvm.kill(); // SIGKILL
    }

    void exit() throws InterruptedException {
      in.println("exit");
      expect("BYE");
      assertThat(jvm.awaitExit(30)).isTrue();
    }

    @Override
    public void close() throws InterruptedException {
      jvm.close();
    }
  }

  static ActorSystem<Void> replicaNode(Path data, int primaryPort) {
    return ActorSystem.create(
        Behaviors.empty(),
        "replica",
        ConfigFactory.parseString(
                "ormdb.data-dir = \""
                    + data.toString().replace("\\", "\\\\")
                    + "\"\n"
                    + "ormdb.replica.primary = \"pekko://ormdb@127.0.0.1:"
                    + primaryPort
                    + "\"\n"
                    + "ormdb.replica.idle-timeout = 2s\n"
                    + "ormdb.replica.max-backoff = 1s\n"
                    + "pekko.actor.provider = remote\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.loglevel = ERROR\npekko.log-dead-letters = off")
            .withFallback(ConfigFactory.load()));
  }

  @Test
  void theReplicaEqualsThePrimaryAfterKillsAndRestartsOnBothSides() throws Exception {
    Path p = dir.resolve("primary");
    Path r = dir.resolve("replica");
    Child primary = new Child(p, 0);
    int port = primary.port;
    ActorSystem<Void> node = replicaNode(r, port);
    try {
      long lsn = primary.call("write 200 1");
      OrmDb db = OrmDb.get(node);
      assertThat(db.isReplica()).isTrue();
      awaitApplied(db, lsn);
      assertRefusesWrites(db);

      primary.in.println("flood 2");
      primary.expect("FLOODING");
      // kill the primary while the replica is following the flood, not before it arrives
      long floodStart = lsn;
      OrmDb following = db;
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> following.replicaStatus().orElseThrow().appliedLsn() >= floodStart + 50);
      primary.kill();
      primary = new Child(p, port);
      lsn = primary.call("write 100 3");
      awaitApplied(db, lsn);
      assertThat(db.replicaStatus().orElseThrow().reconnects())
          .as("the replica reconnected after the SIGKILL")
          .isPositive();

      node.terminate();
      node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      primary.call("write 100 4"); // while the replica is down
      node = replicaNode(r, port);
      db = OrmDb.get(node);
      primary.call("schema2");
      lsn = primary.call("write 100 5");
      awaitApplied(db, lsn);
      assertThat(db.store().schemaVersions()).containsExactly(1L, 2L);
      ReplicaStatus status = db.replicaStatus().orElseThrow();
      assertThat(status.lagEntries()).isZero();
      assertThat(status.lagMillis()).isZero();
      assertThat(status.primaryLsn()).isEqualTo(lsn);

      QueryResult viaActors =
          db.query("Account.findMany().orderBy(id).include(entries, orderBy: id)")
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertThat(viaActors.root().ids()).isNotEmpty();

      primary.exit();
      Map<String, Map<Value, Map<String, Value>>> replicaDump = dump(db.store());
      try (OrmStore file = OrmStore.open(StoreConfig.of(p))) {
        assertThat(file.currentLsn()).isEqualTo(lsn);
        assertThat(replicaDump).isEqualTo(dump(file));
        assertThat(db.store().changes(1, 1_000_000)).isEqualTo(file.changes(1, 1_000_000));
        assertThat(db.store().schemaHistory()).isEqualTo(file.schemaHistory());
        assertThat(db.store().databaseId()).isEqualTo(file.databaseId());
        assertThat(viaActors)
            .isEqualTo(
                file.query(
                    ((io.ormdb.protocol.lang.query.Statement.Find)
                            io.ormdb.protocol.lang.query.QueryParser.parse(
                                "Account.findMany().orderBy(id).include(entries, orderBy: id)"))
                        .query()));
      }
      System.out.println(
          "replica two-JVM test: "
              + lsn
              + " change sets replicated, "
              + replicaDump.get("Account").size()
              + " accounts and "
              + replicaDump.get("Entry").size()
              + " entries equal, after 1 SIGKILL of the primary and 1 replica restart");
    } finally {
      primary.close();
      node.terminate();
      node.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  static void awaitApplied(OrmDb db, long lsn) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(db.replicaStatus().orElseThrow().appliedLsn()).isEqualTo(lsn));
  }

  static void assertRefusesWrites(OrmDb db) {
    long before = db.store().currentLsn();
    assertThatThrownBy(
            () ->
                db.mutate(
                        MutationBatch.of(
                            new Mutation.Insert(
                                "Account",
                                Map.of(
                                    "id", Value.of(1000L),
                                    "owner", Value.of("x"),
                                    "balance", Value.of(1L)))))
                    .toCompletableFuture()
                    .join())
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            OrmDbException.class,
            e -> {
              assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY_REPLICA);
              assertThat(e.getMessage()).contains("writes go to the primary");
            });
    assertThatThrownBy(
            () -> db.applySchema("entity X {\n id int64 @id\n}\n").toCompletableFuture().join())
        .cause()
        .isInstanceOfSatisfying(
            OrmDbException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.READ_ONLY_REPLICA));
    assertThat(db.store().currentLsn()).isEqualTo(before);
  }

  static Map<String, Map<Value, Map<String, Value>>> dump(OrmStore store) {
    Map<String, Map<Value, Map<String, Value>>> out = new TreeMap<>();
    try (ReadView v = store.snapshot()) {
      for (String entity : List.of("Account", "Entry")) {
        Map<Value, Map<String, Value>> rows = new LinkedHashMap<>();
        for (Iterator<Row> it = v.scan(entity); it.hasNext(); ) {
          Row row = it.next();
          rows.put(row.id(), row.fields());
        }
        out.put(entity, rows);
      }
    }
    return out;
  }
}

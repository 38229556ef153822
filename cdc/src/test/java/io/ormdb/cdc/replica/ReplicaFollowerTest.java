package io.ormdb.cdc.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica in one ActorSystem follows a primary in another over Pekko remoting on loopback: it
 * catches up with concurrent writers and a schema change, survives a restart of the primary and of
 * itself, and refuses to follow another database. (The two-JVM test with SIGKILL lives in the node
 * module.)
 */
class ReplicaFollowerTest {
  static final String V1 =
      """
      entity Account {
        id      int64  @id
        owner   string @unique
        balance int64
        relation entries: one to many Entry by accountId on delete cascade
      }
      entity Entry {
        id        int64 @id
        accountId int64
        amount    int64 @index
      }
      """;

  static final String V2 =
      V1.replace(
          "  amount    int64 @index\n",
          "  amount    int64 @index\n  memo      string @default(\"\")\n");

  @TempDir Path dir;

  static Config remoting(int port) {
    return ConfigFactory.parseString(
            "pekko.actor.provider = remote\n"
                + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                + "pekko.remote.artery.canonical.port = "
                + port
                + "\n"
                + "ormdb.replication.heartbeat-interval = 200ms\n"
                + "ormdb.replication.stalled-timeout = 1s\n"
                + "ormdb.replica.idle-timeout = 2s\n"
                + "ormdb.replica.max-backoff = 1s\n")
        .withFallback(ConfigFactory.load("application-test"));
  }

  /** A primary: its system, its store and its replication source. */
  record Primary(
      ActorTestKit kit,
      OrmStore store,
      int port,
      org.apache.pekko.actor.typed.ActorRef<ReplicationSource.Command> source) {
    static Primary start(Path dir, int port) {
      return start(StoreConfig.of(dir), port);
    }

    static Primary start(StoreConfig config, int port) {
      ActorTestKit kit = ActorTestKit.create("primary", remoting(port));
      OrmStore store = OrmStore.open(config);
      ActorSystem<Void> system = kit.system();
      ReplicationSettings s = ReplicationSettings.create(system.settings().config());
      var source =
          system.systemActorOf(
              ReplicationSource.create(store, readExecutor(system), s),
              ReplicationSource.NAME,
              Props.empty());
      int bound =
          ((ExtendedActorSystem) Adapter.toClassic(system))
              .provider()
              .getDefaultAddress()
              .getPort()
              .get();
      return new Primary(kit, store, (Integer) bound, source);
    }

    int followers() {
      var probe = kit.<ReplicationSource.Followers>createTestProbe();
      source.tell(new ReplicationSource.GetFollowers(probe.getRef()));
      return probe.receiveMessage().streams();
    }

    String address() {
      return "pekko://primary@127.0.0.1:" + port;
    }

    void stop() {
      kit.shutdownTestKit();
      store.close();
    }
  }

  /** A replica: its system, its store and its follower. */
  record Follower(ActorTestKit kit, OrmStore store, Replica replica) {
    static Follower start(Path dir, String primary) {
      Config c =
          ConfigFactory.parseString("ormdb.replica.primary = \"" + primary + "\"")
              .withFallback(remoting(0));
      ActorTestKit kit = ActorTestKit.create("replica", c);
      OrmStore store = OrmStore.openReplica(StoreConfig.of(dir));
      ActorSystem<Void> system = kit.system();
      Replica replica =
          Replica.start(
              system,
              store,
              readExecutor(system),
              ReplicationSettings.create(system.settings().config()));
      return new Follower(kit, store, replica);
    }

    void stop() {
      replica.close();
      kit.shutdownTestKit();
      store.close();
    }
  }

  static Executor readExecutor(ActorSystem<?> system) {
    return system.dispatchers().lookup(DispatcherSelector.fromConfig("ormdb.cdc.read-dispatcher"));
  }

  @Test
  void aReplicaCatchesUpAndResumesAfterEitherSideRestarts() throws Exception {
    Path p = dir.resolve("primary");
    Path r = dir.resolve("replica");
    Primary primary = Primary.start(p, 0);
    primary.store().applySchema(SchemaParser.parse(V1));
    writers(primary.store(), 4, 40, 1);
    Follower follower = Follower.start(r, primary.address());
    try {
      writers(primary.store(), 4, 60, 2); // while the replica follows
      primary.store().applySchema(SchemaParser.parse(V2)); // no write after it: heartbeats carry it
      awaitEqual(primary.store(), follower);
      assertThat(follower.store().schemaVersions()).containsExactly(1L, 2L);
      ReplicaStatus caughtUp = follower.replica().status();
      assertThat(caughtUp.connected()).isTrue();
      assertThat(caughtUp.lagEntries()).isZero();
      assertThat(caughtUp.lagMillis()).isZero();
      assertThat(caughtUp.primaryLsn()).isEqualTo(primary.store().currentLsn());

      // the primary restarts (same port); writes continue with the new schema
      int port = primary.port();
      primary.stop();
      primary = Primary.start(p, port);
      writers(primary.store(), 4, 50, 3);
      awaitEqual(primary.store(), follower);
      assertThat(follower.replica().status().reconnects()).isPositive();

      // the replica restarts while the primary writes
      follower.stop();
      writers(primary.store(), 2, 50, 4);
      follower = Follower.start(r, primary.address());
      writers(primary.store(), 2, 50, 5);
      awaitEqual(primary.store(), follower);
      assertThat(follower.store().currentLsn()).isGreaterThan(400);
    } finally {
      follower.stop();
      primary.stop();
    }
  }

  @Test
  void aReplicaOfOneDatabaseRefusesToFollowAnother() throws Exception {
    Primary first = Primary.start(dir.resolve("a"), 0);
    first.store().applySchema(SchemaParser.parse(V1));
    writers(first.store(), 1, 5, 6);
    Follower follower = Follower.start(dir.resolve("r"), first.address());
    awaitEqual(first.store(), follower);
    long lsn = follower.store().currentLsn();
    follower.stop();
    first.stop();

    Primary other = Primary.start(dir.resolve("b"), 0);
    other.store().applySchema(SchemaParser.parse(V1));
    writers(other.store(), 1, 20, 7);
    follower = Follower.start(dir.resolve("r"), other.address());
    try {
      Replica replica = follower.replica();
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(replica.status().lastError())
                      .startsWith("the replica follows database ")
                      .contains("but this primary is " + other.store().databaseId().get()));
      assertThat(follower.store().currentLsn()).as("nothing applied").isEqualTo(lsn);
    } finally {
      follower.stop();
      other.stop();
    }
  }

  @Test
  void theStreamOfAReplicaThatVanishedIsEnded() throws Exception {
    Primary primary = Primary.start(dir.resolve("p"), 0);
    primary.store().applySchema(SchemaParser.parse(V1));
    writers(primary.store(), 1, 10, 8);
    try {
      Follower follower = Follower.start(dir.resolve("r"), primary.address());
      awaitEqual(primary.store(), follower);
      assertThat(primary.followers()).isEqualTo(1);
      follower.kit().shutdownTestKit(); // gone without closing its stream
      follower.store().close();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(primary.followers()).isZero());
      Follower back = Follower.start(dir.resolve("r"), primary.address());
      writers(primary.store(), 1, 10, 9);
      awaitEqual(primary.store(), back);
      assertThat(primary.followers()).isEqualTo(1);
      back.stop();
    } finally {
      primary.stop();
    }
  }

  /** Waits until the replica has the primary's LSN, then compares full dumps. */
  static void awaitEqual(OrmStore primary, Follower follower) {
    long target = primary.currentLsn();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                follower.store().currentLsn() == target
                    && follower.store().schemaVersions().equals(primary.schemaVersions()));
    assertThat(dump(follower.store())).isEqualTo(dump(primary));
    assertThat(follower.store().changes(1, 100_000)).isEqualTo(primary.changes(1, 100_000));
    assertThat(follower.store().schemaHistory()).isEqualTo(primary.schemaHistory());
  }

  static Map<String, Map<Value, Map<String, Value>>> dump(OrmStore store) {
    Map<String, Map<Value, Map<String, Value>>> out = new TreeMap<>();
    try (ReadView v = store.snapshot()) {
      for (String entity : List.of("Account", "Entry")) {
        Map<Value, Map<String, Value>> rows = new LinkedHashMap<>();
        for (java.util.Iterator<Row> it = v.scan(entity); it.hasNext(); ) {
          Row row = it.next();
          rows.put(row.id(), row.fields());
        }
        out.put(entity, rows);
      }
    }
    return out;
  }

  /** {@code threads} writers committing {@code batches} random batches each (some refused). */
  static void writers(OrmStore store, int threads, int batches, long seed) throws Exception {
    AtomicLong refused = new AtomicLong();
    List<Thread> ts = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Random rnd = new Random(seed * 31 + t);
      Thread th =
          new Thread(
              () -> {
                for (int b = 0; b < batches; b++) {
                  long a = rnd.nextInt(30);
                  List<Mutation> ms = new ArrayList<>();
                  ms.add(
                      new Mutation.Upsert(
                          "Account",
                          Map.of("id", Value.of(a)),
                          Map.of(
                              "owner", Value.of("o" + a + "-" + rnd.nextInt(2)),
                              "balance", Value.of((long) rnd.nextInt(1000)))));
                  if (rnd.nextInt(5) == 0) {
                    ms.add(new Mutation.Delete("Account", Value.of((long) rnd.nextInt(30)), 0));
                  } else {
                    ms.add(
                        new Mutation.Upsert(
                            "Entry",
                            Map.of("id", Value.of((long) rnd.nextInt(300))),
                            Map.of(
                                "accountId", Value.of(a),
                                "amount", Value.of((long) rnd.nextInt(100)))));
                  }
                  try {
                    store.commit(MutationBatch.of(ms.toArray(new Mutation[0])));
                  } catch (OrmDbException e) {
                    refused.incrementAndGet();
                  }
                }
              });
      ts.add(th);
      th.start();
    }
    for (Thread th : ts) {
      th.join();
    }
  }
}

package io.ormdb.node.replica;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.typesafe.config.ConfigFactory;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary and a replica whose ActorSystems use {@code pekko.actor.provider = cluster} (as the
 * operations guide allows) without forming a cluster: with the default shard hosting both host
 * their entity shards locally, so the primary commits through its actor layer and the replica
 * answers graph queries through its own, from its own file.
 */
class ReplicaClusterProviderTest {
  static final String SCHEMA =
      """
      entity Account {
        id    int64  @id
        owner string @unique
        relation entries: one to many Entry by accountId on delete cascade
      }
      entity Entry {
        id        int64 @id
        accountId int64
        amount    int64
      }
      """;

  static final String QUERY = "Account.findMany().orderBy(id).include(entries, orderBy: id)";

  @TempDir Path dir;

  private static ActorSystem<Void> node(String name, Path data, String extra) {
    return ActorSystem.create(
        Behaviors.empty(),
        name,
        ConfigFactory.parseString(
                "ormdb.data-dir = \""
                    + data.toString().replace("\\", "\\\\")
                    + "\"\n"
                    + extra
                    + "pekko.actor.provider = cluster\n"
                    + "pekko.cluster.jmx.multi-mbeans-in-same-jvm = on\n"
                    + "pekko.cluster.downing-provider-class ="
                    + " \"org.apache.pekko.cluster.sbr.SplitBrainResolverProvider\"\n"
                    + "pekko.remote.artery.canonical.hostname = 127.0.0.1\n"
                    + "pekko.remote.artery.canonical.port = 0\n"
                    + "pekko.loglevel = ERROR\npekko.log-dead-letters = off")
            .withFallback(ConfigFactory.load()));
  }

  private static void terminate(ActorSystem<?> s) throws Exception {
    s.terminate();
    s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aPrimaryAndAReplicaOnTheClusterProviderServeThroughTheirActors() throws Exception {
    ActorSystem<Void> primaryNode =
        node(
            "primary",
            dir.resolve("p"),
            "ormdb.replication.serve = on\normdb.replication.heartbeat-interval = 300ms\n");
    ActorSystem<Void> replicaNode = null;
    try {
      OrmDb primary = OrmDb.get(primaryNode);
      primary.applySchema(SCHEMA).toCompletableFuture().get(30, TimeUnit.SECONDS);
      for (long a = 1; a <= 4; a++) {
        List<Mutation> batch = new ArrayList<>();
        batch.add(
            new Mutation.Insert(
                "Account", Map.of("id", Value.of(a), "owner", Value.of("owner" + a))));
        for (long e = 1; e <= 3; e++) {
          batch.add(
              new Mutation.Insert(
                  "Entry",
                  Map.of(
                      "id",
                      Value.of(a * 10 + e),
                      "accountId",
                      Value.of(a),
                      "amount",
                      Value.of(e))));
        }
        primary.mutate(new MutationBatch(batch)).toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
      long lsn = primary.store().currentLsn();
      int port =
          ((ExtendedActorSystem) Adapter.toClassic(primaryNode))
              .provider()
              .getDefaultAddress()
              .getPort()
              .get();

      replicaNode =
          node(
              "replica",
              dir.resolve("r"),
              "ormdb.replica.primary = \"pekko://primary@127.0.0.1:" + port + "\"\n");
      OrmDb replica = OrmDb.get(replicaNode);
      assertThat(replica.isReplica()).isTrue();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> assertThat(replica.replicaStatus().orElseThrow().appliedLsn()).isEqualTo(lsn));

      QueryResult onPrimary = primary.query(QUERY).toCompletableFuture().get(30, TimeUnit.SECONDS);
      QueryResult onReplica = replica.query(QUERY).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(onPrimary.root().ids()).hasSize(4);
      assertThat(onPrimary.block("entries").ids()).hasSize(12);
      assertThat(onReplica).isEqualTo(onPrimary);
    } finally {
      if (replicaNode != null) {
        terminate(replicaNode);
      }
      terminate(primaryNode);
    }
  }
}

package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.actors.shard.internal.ClusterShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cluster members in one JVM (127.0.0.1, port 0), each with its own store file holding
 * different rows. With the default shard hosting ({@code auto}) each node hosts its shards locally
 * and answers from its own file; explicit Cluster Sharding, which would place some shards on the
 * other node and read that node's file, refuses every request that needs a shard, naming the
 * problem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TwoNodeShardHostingTest {
  private static final int PARTITIONS = 4;
  private static final AtomicLong IDS = new AtomicLong();

  @TempDir static Path dir;

  private ActorTestKit nodeA;
  private ActorTestKit nodeB;
  private OrmStore storeA;
  private OrmStore storeB;

  private static Config node() {
    return ConfigFactory.parseString(
            """
            pekko.actor.provider = cluster
            pekko.remote.artery.canonical.hostname = "127.0.0.1"
            pekko.remote.artery.canonical.port = 0
            pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
            pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
            pekko.cluster.sharding.passivation.strategy = none
            """)
        .withFallback(ConfigFactory.load("application-test"));
  }

  @BeforeAll
  void startTwoMembers() {
    nodeA = ActorTestKit.create("TwoNodes", node());
    nodeB = ActorTestKit.create("TwoNodes", node());
    Address seed = Cluster.get(nodeA.system()).selfMember().address();
    Cluster.get(nodeA.system()).manager().tell(Join.create(seed));
    Cluster.get(nodeB.system()).manager().tell(Join.create(seed));
    for (ActorTestKit kit : List.of(nodeA, nodeB)) {
      Cluster cluster = Cluster.get(kit.system());
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                int up = 0;
                for (var m : cluster.state().getMembers()) {
                  up += m.status() == MemberStatus.up() ? 1 : 0;
                }
                return up == 2;
              });
    }
    storeA = store("a");
    storeB = store("b");
  }

  /** A store file with users 1..8 whose names start with {@code prefix}. */
  private OrmStore store(String prefix) {
    OrmStore store = OrmStore.open(StoreConfig.of(dir.resolve(prefix)));
    store.applySchema(SchemaParser.parse(TestDb.BLOG));
    List<Mutation> users = new ArrayList<>();
    for (long id = 1; id <= 8; id++) {
      users.add(user(id, prefix));
    }
    store.commit(new MutationBatch(users));
    return store;
  }

  private static Mutation user(long id, String prefix) {
    return new Mutation.Insert(
        "User",
        Map.of(
            "id",
            Value.of(id),
            "email",
            Value.of(prefix + id + "@x"),
            "name",
            Value.of(prefix + id)));
  }

  @AfterAll
  void stopOneAfterTheOther() {
    if (nodeB != null) {
      nodeB.shutdownTestKit();
    }
    if (nodeA != null) {
      nodeA.shutdownTestKit();
    }
    if (storeA != null) {
      storeA.close();
    }
    if (storeB != null) {
      storeB.close();
    }
  }

  private static Message.Response call(
      ActorTestKit kit,
      ActorRef<ConnectionActor.Command> session,
      LongFunction<Message.Request> request) {
    long id = IDS.incrementAndGet();
    return AskPattern.<ConnectionActor.Command, Message.Response>ask(
            session,
            r -> new ConnectionActor.Request(request.apply(id), r),
            Duration.ofSeconds(30),
            kit.system().scheduler())
        .toCompletableFuture()
        .join();
  }

  /** Every user, read through the executor from every partition. */
  private static final GraphQuery ALL_USERS =
      GraphQuery.from("User").include("posts").orderBy(OrderSpec.asc("id")).build();

  private static List<Value> names(Message.Response r) {
    QueryResult result = TestDb.ok(r, Message.QueryReply.class).result();
    return result.root().column("name").values();
  }

  private static List<Value> expectedNames(String prefix, int n) {
    List<Value> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(Value.of(prefix + i));
    }
    return out;
  }

  @Test
  void byDefaultEachMemberHostsItsShardsLocallyAndAnswersFromItsOwnStore() {
    // the same instance name on both nodes: with Cluster Sharding they would share shards
    OrmDbActors onA =
        OrmDbActors.start(
            nodeA.system(),
            "auto",
            storeA,
            ActorSettings.create(nodeA.system()).withPartitions(PARTITIONS));
    OrmDbActors onB =
        OrmDbActors.start(
            nodeB.system(),
            "auto",
            storeB,
            ActorSettings.create(nodeB.system()).withPartitions(PARTITIONS));
    ActorRef<ConnectionActor.Command> a = onA.connectEmbedded();
    ActorRef<ConnectionActor.Command> b = onB.connectEmbedded();

    assertThat(names(call(nodeA, a, id -> new Message.Query(id, 0, ALL_USERS))))
        .isEqualTo(expectedNames("a", 8));
    assertThat(names(call(nodeB, b, id -> new Message.Query(id, 0, ALL_USERS))))
        .isEqualTo(expectedNames("b", 8));
    assertThat(onA.settings().shardHosting()).isEqualTo(ActorSettings.ShardHosting.AUTO);
    assertThat(onA.router().hosting()).isEqualTo("local");
    assertThat(onB.router().hosting()).isEqualTo("local");

    // a write validated by the shards of its own node, committed in its own file
    TestDb.ok(
        call(nodeA, a, id -> new Message.Mutate(id, 0, MutationBatch.of(user(9, "a")))),
        Message.MutateReply.class);
    TestDb.ok(
        call(nodeB, b, id -> new Message.Mutate(id, 0, MutationBatch.of(user(9, "b")))),
        Message.MutateReply.class);
    for (long id = 1; id <= 9; id++) {
      long key = id;
      GraphQuery byId = GraphQuery.from("User").where(Filter.eq("id", key)).build();
      assertThat(names(call(nodeA, a, rid -> new Message.Query(rid, 0, byId))))
          .containsExactly(Value.of("a" + id));
      assertThat(names(call(nodeB, b, rid -> new Message.Query(rid, 0, byId))))
          .containsExactly(Value.of("b" + id));
    }
  }

  @Test
  void explicitClusterHostingOnTwoMembersRefusesRequestsInsteadOfReadingAnotherNodesFile() {
    OrmDbActors onA =
        OrmDbActors.start(
            nodeA.system(),
            "explicit",
            storeA,
            ActorSettings.create(nodeA.system())
                .withPartitions(PARTITIONS)
                .withShardHosting(ActorSettings.ShardHosting.CLUSTER));
    OrmDbActors onB =
        OrmDbActors.start(
            nodeB.system(),
            "explicit",
            storeB,
            ActorSettings.create(nodeB.system())
                .withPartitions(PARTITIONS)
                .withShardHosting(ActorSettings.ShardHosting.CLUSTER));
    assertThat(onA.router().hosting()).isEqualTo("cluster");
    ActorRef<ConnectionActor.Command> a = onA.connectEmbedded();
    ActorRef<ConnectionActor.Command> b = onB.connectEmbedded();
    String expected =
        "entity shards are hosted by Cluster Sharding over this node's local store, which is only"
            + " correct on a single-node cluster; this cluster has 2 members — use"
            + " ormdb.actors.shard-hosting = local until clustered storage exists";
    assertThat(ClusterShardRouter.tooManyMembers(2)).isEqualTo(expected);

    long lsnA = storeA.currentLsn();
    GraphQuery byId = GraphQuery.from("User").where(Filter.eq("id", 3L)).build();
    List<Message.Response> answers =
        List.of(
            call(nodeA, a, id -> new Message.Query(id, 0, ALL_USERS)),
            call(nodeB, b, id -> new Message.Query(id, 0, ALL_USERS)),
            call(nodeA, a, id -> new Message.Query(id, 0, byId)),
            call(nodeA, a, id -> new Message.QueryText(id, 0, "User.count()")),
            call(nodeA, a, id -> new Message.Mutate(id, 0, MutationBatch.of(user(10, "a")))));
    for (Message.Response r : answers) {
      assertThat(r).isInstanceOf(Message.Error.class);
      Message.Error e = (Message.Error) r;
      assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL.code());
      assertThat(e.message()).isEqualTo(expected);
    }
    // a read on the caller's thread (the embedded API's) is refused alike
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                onA.reads()
                    .query(
                        byId,
                        Map.of(),
                        io.ormdb.protocol.schema.Sensitivity.RESTRICTED,
                        io.ormdb.store.query.Deadline.NONE))
        .isInstanceOf(io.ormdb.protocol.OrmDbException.class)
        .hasMessage(expected);
    assertThat(storeA.currentLsn()).as("nothing written").isEqualTo(lsnA);
  }
}

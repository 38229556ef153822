package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The protocol contract with shards placed by Cluster Sharding (chosen explicitly: {@code auto}
 * hosts them locally on a cluster member too): a single node self-joining on 127.0.0.1, port 0 —
 * the only cluster this hosting serves.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterShardsProtocolTest extends ActorProtocolContract {
  @JUnit5TestKit
  ActorTestKit testKit =
      ActorTestKit.create(
          "ClusterShardsProtocolTest",
          ConfigFactory.parseString(
                  """
                  pekko.actor.provider = cluster
                  pekko.remote.artery.canonical.hostname = "127.0.0.1"
                  pekko.remote.artery.canonical.port = 0
                  pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                  pekko.cluster.downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
                  pekko.cluster.sharding.passivation.strategy = none
                  ormdb.actors.shard-hosting = cluster
                  """)
              .withFallback(ConfigFactory.load("application-test")));

  @Override
  ActorTestKit kit() {
    return testKit;
  }

  @BeforeAll
  void join() {
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> cluster.selfMember().status() == MemberStatus.up());
  }

  @Test
  void shardsAreHostedByClusterSharding() {
    try (TestDb db = TestDb.blog(testKit.system(), 2)) {
      assertThat(db.actors.router().hosting()).isEqualTo("cluster");
    }
  }
}

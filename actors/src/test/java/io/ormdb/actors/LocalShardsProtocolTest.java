package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** The protocol contract with shards on a local shard host: no cluster, no port. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LocalShardsProtocolTest extends ActorProtocolContract {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @Override
  ActorTestKit kit() {
    return testKit;
  }

  @Test
  void shardsAreHostedLocallyAndMessagesAreSerialized() {
    try (TestDb db = TestDb.blog(testKit.system(), 2)) {
      assertThat(db.actors.router().hosting()).isEqualTo("local");
      assertThat(testKit.system().settings().config().getBoolean("pekko.actor.serialize-messages"))
          .isTrue();
      assertThat(testKit.system().settings().config().getString("pekko.actor.provider"))
          .isEqualTo("local");
    }
  }
}

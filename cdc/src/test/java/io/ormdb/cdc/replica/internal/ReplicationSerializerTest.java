package io.ormdb.cdc.replica.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ormdb.cdc.CdcTestData;
import io.ormdb.cdc.replica.ReplicationItem;
import io.ormdb.cdc.replica.ReplicationSource;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every message of the replication protocol goes through the replication serializer (id 7302) and
 * comes back equal — the stream's items too, which cross the network inside stream refs.
 */
class ReplicationSerializerTest {
  private ActorTestKit kit;
  private Serialization serialization;

  @BeforeEach
  void start() {
    kit = ActorTestKit.create("serializer", ConfigFactory.load("application-test"));
    serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void everyRegisteredMessageRoundTrips() {
    ChangeSet changes;
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(CdcTestData.schema());
      CdcTestData.commit(store, CdcTestData.item(1, "one"), CdcTestData.note(2, "two"));
      changes = store.changes(1, 1).get(0);
    }
    var followers = kit.<ReplicationSource.Followers>createTestProbe().getRef();
    var replies = kit.<ReplicationSource.FollowReply>createTestProbe().getRef();
    List<Object> messages =
        List.of(
            new ReplicationSource.Follow("db-1", 42, 1_700_000_000_000_000L, 3, replies),
            new ReplicationSource.Refused(
                ErrorCode.INVALID_LSN.code(), "the history diverged at LSN 121"),
            new ReplicationItem.SchemaChange("db-1", 1, 0, CdcTestData.schema()),
            new ReplicationItem.Changes(changes),
            new ReplicationItem.Heartbeat(1_048_600, 1_700_000_000_000_000L),
            new ReplicationSource.GetFollowers(followers),
            new ReplicationSource.Followers(2),
            new ReplicationItem.HistoryEpoch(2, 1_048_698, 121));
    Set<Class<?>> covered = new HashSet<>();
    for (Object m : messages) {
      Serializer s = serialization.findSerializerFor(m);
      assertThat(s).as("the serializer of %s", m).isInstanceOf(ReplicationSerializer.class);
      assertThat(s.identifier()).isEqualTo(7302);
      byte[] bytes = serialization.serialize(m).get();
      Object back = serialization.deserialize(bytes, s.identifier(), "").get();
      assertThat(back).as("%s", m.getClass().getSimpleName()).isEqualTo(m);
      covered.add(m.getClass());
    }
    // Following carries a stream ref, which is only meaningful across two systems: it is
    // exercised by the follower tests
    covered.add(ReplicationSource.Following.class);
    assertThat(covered)
        .containsExactlyInAnyOrderElementsOf(ReplicationSerializer.registrations().values());
  }
}

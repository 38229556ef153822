package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.actors.commit.CommitCoordinator;
import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.planner.Planner;
import io.ormdb.actors.serialization.ActorMessages;
import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.internal.LocalShardRouter;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.RelationAggregate;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every registered actor message round-trips through the actor layer's serializer, and the ids of
 * removed messages stay unused.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ActorMessagesTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @Test
  void everyMessageRoundTrips() {
    TestProbe<Message.Response> answers = testKit.createTestProbe();
    TestProbe<EntityShard.Reply> replies = testKit.createTestProbe();
    Mutation insert = new Mutation.Insert("User", Map.of("id", Value.of(1L)));
    // a query with aggregates over relations at the root and in an include travels whole
    GraphQuery q =
        GraphQuery.from("User")
            .aggregate(
                RelationAggregate.of("avgViews", AggregateQuery.Function.AVG, "posts", "views")
                    .where(Filter.eq("status", "published")))
            .include(Include.of("posts").withAggregates(RelationAggregate.count("n", "comments")))
            .build();
    List<Object> messages =
        List.of(
            new ConnectionActor.Request(new Message.Query(1, 0, q), answers.ref()),
            new ConnectionActor.Close("bye"),
            new Planner.Plan(
                new Message.Query(2, 3, q),
                Map.of("tenant", Value.of(7L)),
                Sensitivity.INTERNAL,
                answers.ref()),
            new CommitCoordinator.Commit(4, MutationBatch.of(insert), answers.ref()),
            new EntityShard.Validate(5, List.of(0), List.of(insert), replies.ref()),
            new EntityShard.Commit(6, MutationBatch.of(insert), answers.ref()),
            new EntityShard.Validated(7, 2),
            new EntityShard.Refused(8, 2, "no", 0),
            new LocalShardRouter.Deliver(
                "User|1", new EntityShard.Commit(9, MutationBatch.of(insert), answers.ref())));
    Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
    Set<Class<?>> covered = new HashSet<>();
    for (Object m : messages) {
      byte[] bytes = serialization.serialize(m).get();
      Object back =
          serialization
              .deserialize(bytes, serialization.findSerializerFor(m).identifier(), "")
              .get();
      assertThat(back).as("%s", m.getClass()).isEqualTo(m);
      covered.add(m.getClass());
    }
    assertThat(covered).containsExactlyInAnyOrderElementsOf(ActorMessages.registrations().values());
  }

  @Test
  void idsOfRemovedMessagesStayUnused() {
    assertThat(ActorMessages.RETIRED)
        .doesNotContainAnyElementsOf(ActorMessages.registrations().keySet());
    assertThat(ActorMessages.RETIRED).contains(1021, 1060, 1061, 1063, 1066, 1068, 1069);
  }
}

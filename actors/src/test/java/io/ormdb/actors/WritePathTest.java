package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.actors.commit.WritePath;
import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.planner.PlannerHooks;
import io.ormdb.actors.planner.Requests;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.Partitioning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Writes go to the entity shards that own their rows, and only to them: a batch of one owner is
 * committed by that shard, a batch of several is validated by each owner once and committed once,
 * the refusal of the lowest mutation index wins, and an owner that does not answer is TIMEOUT with
 * nothing written.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WritePathTest {
  static final int PARTITIONS = 4;

  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  private static Mutation user(long id, String email) {
    return new Mutation.Insert(
        "User", Map.of("id", Value.of(id), "email", Value.of(email), "name", Value.of("n" + id)));
  }

  /** {@code real}, recording the shard and the kind of every message sent to one. */
  static ShardRouter recording(ShardRouter real, List<String> sent) {
    return new ShardRouter() {
      @Override
      public void tell(String entity, int partition, EntityShard.Command message) {
        sent.add(message.getClass().getSimpleName() + " " + entity + "|" + partition);
        real.tell(entity, partition, message);
      }

      @Override
      public <R> CompletionStage<R> ask(
          String entity,
          int partition,
          Function<ActorRef<R>, EntityShard.Command> message,
          Duration timeout) {
        return real.ask(
            entity,
            partition,
            r -> {
              EntityShard.Command m = message.apply(r);
              sent.add(m.getClass().getSimpleName() + " " + entity + "|" + partition);
              return m;
            },
            timeout);
      }

      @Override
      public int partitions() {
        return real.partitions();
      }

      @Override
      public String hosting() {
        return real.hosting();
      }
    };
  }

  private ActorRef<ConnectionActor.Command> session(TestDb db, ShardRouter router) {
    ShardContext ctx = new ShardContext(db.store, Runnable::run, db.actors.settings());
    Requests requests =
        new Requests(ctx, db.actors.reads(), new WritePath(ctx, router), PlannerHooks.PASS_THROUGH);
    return testKit.spawn(ConnectionActor.embedded(requests, Sensitivity.RESTRICTED));
  }

  private static String owner(long id) {
    return "User|" + Partitioning.partitionOf(Value.of(id), PARTITIONS);
  }

  @Test
  void aBatchGoesOnlyToTheShardsOwningItsRows() {
    try (TestDb db = TestDb.blog(testKit.system(), PARTITIONS)) {
      List<String> sent = new CopyOnWriteArrayList<>();
      ActorRef<ConnectionActor.Command> s = session(db, recording(db.actors.router(), sent));
      TestDb.ok(
          db.callOn(s, id -> new Message.Mutate(id, 0, MutationBatch.of(user(1, "a@x")))),
          Message.MutateReply.class);
      assertThat(sent).containsExactly("Commit " + owner(1));

      sent.clear();
      List<Mutation> batch = new ArrayList<>();
      Set<String> owners = new HashSet<>();
      for (long id = 2; id <= 9; id++) {
        batch.add(user(id, id + "@x"));
        owners.add("Validate " + owner(id));
      }
      assertThat(owners).hasSizeGreaterThan(1);
      long lsn = db.store.currentLsn();
      TestDb.ok(
          db.callOn(s, id -> new Message.Mutate(id, 0, new MutationBatch(batch))),
          Message.MutateReply.class);
      assertThat(sent).as("each owner validates once").containsExactlyInAnyOrderElementsOf(owners);
      assertThat(db.store.currentLsn()).as("one commit").isEqualTo(lsn + 1);
    }
  }

  /**
   * A schema error in a later mutation is reported before the constraint error the store would find
   * in an earlier one, and of two schema errors on different shards the lower index wins.
   */
  @Test
  void theRefusalOfTheLowestMutationIndexWinsAndNothingIsWritten() {
    try (TestDb db = TestDb.blog(testKit.system(), PARTITIONS)) {
      TestDb.ok(
          db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(user(100, "taken@x")))),
          Message.MutateReply.class);
      long lsn = db.store.currentLsn();
      List<Mutation> batch = new ArrayList<>();
      for (long id = 1; id <= 10; id++) {
        batch.add(user(id, id + "@x"));
      }
      batch.set(2, user(3, "taken@x")); // a constraint only the store finds
      batch.set(7, new Mutation.Insert("User", Map.of("id", Value.of(8L), "emial", Value.of("x"))));
      Message.Response r = db.call(id -> new Message.Mutate(id, 0, new MutationBatch(batch)));
      assertThat(((Message.Error) r).code()).isEqualTo(ErrorCode.INVALID_REQUEST.code());
      assertThat(((Message.Error) r).message()).startsWith("mutation 7 (insert into User)");

      // mutation 4 and mutation 9, owned by different shards, both refused: 4 is reported
      List<Mutation> two = new ArrayList<>();
      for (long id = 1; id <= 10; id++) {
        two.add(user(id, id + "@x"));
      }
      long a = 5;
      long b = 6;
      while (Partitioning.partitionOf(Value.of(b), PARTITIONS)
          == Partitioning.partitionOf(Value.of(a), PARTITIONS)) {
        b++;
      }
      two.set(4, new Mutation.Insert("User", Map.of("id", Value.of(a), "nme", Value.of("x"))));
      two.set(9, new Mutation.Insert("User", Map.of("id", Value.of(b), "nme", Value.of("x"))));
      Message.Response r2 = db.call(id -> new Message.Mutate(id, 0, new MutationBatch(two)));
      assertThat(((Message.Error) r2).message()).startsWith("mutation 4 (insert into User)");
      assertThat(db.store.currentLsn()).isEqualTo(lsn);
    }
  }

  /** Owners that never answer: the batch is TIMEOUT and nothing is written. */
  @Test
  void ownersThatDoNotAnswerAreTimeoutWithNothingWritten() {
    try (TestDb db = TestDb.blog(testKit.system(), PARTITIONS)) {
      TestProbe<EntityShard.Command> silent = testKit.createTestProbe();
      ShardRouter blackHole =
          new ShardRouter() {
            @Override
            public void tell(String entity, int partition, EntityShard.Command message) {
              silent.ref().tell(message);
            }

            @Override
            public <R> CompletionStage<R> ask(
                String entity,
                int partition,
                Function<ActorRef<R>, EntityShard.Command> message,
                Duration timeout) {
              return AskPattern.ask(
                  silent.ref(), message::apply, timeout, testKit.system().scheduler());
            }

            @Override
            public int partitions() {
              return PARTITIONS;
            }

            @Override
            public String hosting() {
              return "none";
            }
          };
      ActorSettings settings =
          db.actors.settings().withTimeouts(Duration.ofMillis(300), Duration.ofMillis(200));
      ShardContext ctx = new ShardContext(db.store, Runnable::run, settings);
      WritePath writes = new WritePath(ctx, blackHole);
      List<Mutation> batch = new ArrayList<>();
      Set<Integer> partitions = new HashSet<>();
      for (long id = 1; id <= 8; id++) {
        batch.add(user(id, id + "@x"));
        partitions.add(Partitioning.partitionOf(Value.of(id), PARTITIONS));
      }
      Message.Error e =
          (Message.Error) writes.commit(5, new MutationBatch(batch)).toCompletableFuture().join();
      assertThat(e.requestId()).isEqualTo(5);
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT.code());
      assertThat(e.message())
          .isEqualTo(
              "batch validation did not complete within 200 ms: "
                  + partitions.size()
                  + " shard(s) did not answer; nothing was written");
      Message.Error one =
          (Message.Error)
              writes.commit(6, MutationBatch.of(user(1, "1@x"))).toCompletableFuture().join();
      assertThat(one.code()).isEqualTo(ErrorCode.TIMEOUT.code());
      assertThat(one.message()).startsWith("no answer within 300 ms");
      assertThat(db.store.currentLsn()).isZero();
    }
  }
}

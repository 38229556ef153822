package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.connection.SessionEvent;
import io.ormdb.actors.executor.QueryExecutor;
import io.ormdb.actors.planner.Planner;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.actors.shard.EntityShard;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.query.PreparedQuery;
import io.ormdb.store.query.QueryBudget;
import io.ormdb.store.view.ReadView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sessions: handshake, in-flight bound, timeouts, routing of what is not available yet. */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectionActorTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  private static Message.Query query(long id) {
    return new Message.Query(id, 0, GraphQuery.from("User").build());
  }

  @Test
  void handshakeFirstThenPingAndNoSubscriptionsYet() {
    try (TestDb db = TestDb.blog(testKit.system(), 2)) {
      ActorRef<ConnectionActor.Command> c =
          testKit.spawn(
              ConnectionActor.create(
                  db.store, db.actors.planner(), db.actors.settings(), "node-1"));
      TestProbe<Message.Response> probe = testKit.createTestProbe();
      c.tell(new ConnectionActor.Request(query(1), probe.ref()));
      Message.Error early = probe.expectMessageClass(Message.Error.class);
      assertThat(early.requestId()).isEqualTo(1);
      assertThat(early.message()).contains("handshake");

      c.tell(
          new ConnectionActor.Request(
              new Message.Handshake(2, 99, "cli", null, List.of()), probe.ref()));
      assertThat(probe.expectMessageClass(Message.Error.class).message())
          .contains("protocol version 99");

      c.tell(
          new ConnectionActor.Request(
              new Message.Handshake(3, 1, "cli", null, List.of()), probe.ref()));
      Message.HandshakeAck ack = probe.expectMessageClass(Message.HandshakeAck.class);
      assertThat(ack.requestId()).isEqualTo(3);
      assertThat(ack.schemaVersion()).isEqualTo(db.store.schema().version());
      assertThat(ack.capabilities()).containsAll(ConnectionActor.ALL_CAPABILITIES);

      c.tell(new ConnectionActor.Request(new Message.Ping(4), probe.ref()));
      assertThat(probe.expectMessageClass(Message.Pong.class).requestId()).isEqualTo(4);

      c.tell(
          new ConnectionActor.Request(
              new Message.Subscribe(5, 0, List.of(), false, 10, null), probe.ref()));
      Message.Error sub = probe.expectMessageClass(Message.Error.class);
      assertThat(sub.requestId()).isEqualTo(5);
      assertThat(sub.message()).contains("not available yet");

      c.tell(new ConnectionActor.Request(query(6), probe.ref()));
      assertThat(probe.expectMessageClass(Message.QueryReply.class).requestId()).isEqualTo(6);
    }
  }

  @Test
  void excessRequestsAreRefusedAndSlowOnesTimeOut() {
    try (TestDb db = TestDb.blog(testKit.system(), 2)) {
      TestProbe<Planner.Command> silentPlanner = testKit.createTestProbe();
      ActorSettings settings =
          db.actors
              .settings()
              .withMaxInFlight(2)
              .withTimeouts(Duration.ofMillis(400), Duration.ofSeconds(5));
      ActorRef<ConnectionActor.Command> c =
          testKit.spawn(ConnectionActor.embedded(db.store, silentPlanner.ref(), settings));
      TestProbe<Message.Response> probe = testKit.createTestProbe();
      c.tell(new ConnectionActor.Request(query(1), probe.ref()));
      c.tell(new ConnectionActor.Request(query(1), probe.ref()));
      assertThat(probe.expectMessageClass(Message.Error.class).message())
          .contains("already in flight");
      c.tell(new ConnectionActor.Request(query(2), probe.ref()));
      silentPlanner.expectMessageClass(Planner.Plan.class);
      silentPlanner.expectMessageClass(Planner.Plan.class);
      c.tell(new ConnectionActor.Request(query(3), probe.ref()));
      Message.Error refused = probe.expectMessageClass(Message.Error.class);
      assertThat(refused.requestId()).isEqualTo(3);
      assertThat(refused.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED.code());
      silentPlanner.expectNoMessage(Duration.ofMillis(50));

      // nobody answers 1 and 2: both time out, and the slots are free again
      Message.Error t1 = probe.expectMessageClass(Message.Error.class, Duration.ofSeconds(3));
      Message.Error t2 = probe.expectMessageClass(Message.Error.class, Duration.ofSeconds(3));
      assertThat(List.of(t1.requestId(), t2.requestId())).containsExactlyInAnyOrder(1L, 2L);
      assertThat(t1.code()).isEqualTo(ErrorCode.TIMEOUT.code());
      assertThat(t2.code()).isEqualTo(ErrorCode.TIMEOUT.code());
      c.tell(new ConnectionActor.Request(query(4), probe.ref()));
      silentPlanner.expectMessageClass(Planner.Plan.class);

      c.tell(new ConnectionActor.Close("test over"));
      Message.Error closed = probe.expectMessageClass(Message.Error.class);
      assertThat(closed.requestId()).isEqualTo(4);
      assertThat(closed.message()).contains("closed");
    }
  }

  /** The next event of this test's sessions (other tests' sessions publish on the same stream). */
  private static SessionEvent audited(TestProbe<SessionEvent> events) {
    List<SessionEvent> seen =
        events.fishForMessage(
            Duration.ofSeconds(3),
            e ->
                e.session().startsWith("audited-")
                    ? FishingOutcomes.complete()
                    : FishingOutcomes.continueAndIgnore());
    return seen.get(seen.size() - 1);
  }

  /** Sessions publish their opening and their end on the event stream (the audit of sessions). */
  @Test
  void sessionsPublishTheirOpeningAndTheirEnd() {
    TestProbe<SessionEvent> events = testKit.createTestProbe();
    testKit
        .system()
        .eventStream()
        .tell(new EventStream.Subscribe<>(SessionEvent.class, events.ref()));
    try (TestDb db = TestDb.blog(testKit.system(), 2)) {
      ActorRef<ConnectionActor.Command> c =
          testKit.spawn(
              ConnectionActor.create(db.store, db.actors.planner(), db.actors.settings(), "node-1"),
              "audited-remote");
      TestProbe<Message.Response> probe = testKit.createTestProbe();
      c.tell(new ConnectionActor.Request(new Message.Ping(1), probe.ref()));
      probe.expectMessageClass(Message.Error.class); // no handshake yet: nothing opened
      c.tell(
          new ConnectionActor.Request(
              new Message.Handshake(2, 1, "cli", null, List.of()), probe.ref()));
      probe.expectMessageClass(Message.HandshakeAck.class);
      SessionEvent.Opened opened = (SessionEvent.Opened) audited(events);
      assertThat(opened.session()).isEqualTo("audited-remote");
      assertThat(opened.client()).isEqualTo("cli");
      assertThat(opened.clearance()).isEqualTo(Sensitivity.RESTRICTED);
      c.tell(new ConnectionActor.Request(new Message.Ping(3), probe.ref()));
      probe.expectMessageClass(Message.Pong.class);
      c.tell(new ConnectionActor.Close("client said goodbye"));
      SessionEvent.Closed closed = (SessionEvent.Closed) audited(events);
      assertThat(closed.session()).isEqualTo("audited-remote");
      assertThat(closed.reason()).isEqualTo("client said goodbye");
      assertThat(closed.abandoned()).isZero();
      assertThat(closed.at()).isAfterOrEqualTo(opened.at());

      ActorRef<ConnectionActor.Command> embedded =
          testKit.spawn(
              ConnectionActor.embedded(
                  db.store, db.actors.planner(), db.actors.settings(), Sensitivity.INTERNAL),
              "audited-embedded");
      SessionEvent.Opened e = (SessionEvent.Opened) audited(events);
      assertThat(e.client()).isEqualTo("embedded");
      assertThat(e.clearance()).isEqualTo(Sensitivity.INTERNAL);
      testKit.stop(embedded);
      SessionEvent.Closed stopped = (SessionEvent.Closed) audited(events);
      assertThat(stopped.session()).isEqualTo("audited-embedded");
      assertThat(stopped.reason()).isEqualTo("stopped");
    } finally {
      testKit.system().eventStream().tell(new EventStream.Unsubscribe<>(events.ref()));
    }
  }

  @Test
  void anExecutorWhoseShardsDoNotAnswerRepliesTimeout() {
    try (TestDb db = TestDb.blog(testKit.system(), 3)) {
      ShardRouter blackHole =
          new ShardRouter() {
            @Override
            public void tell(String entity, int partition, EntityShard.Command message) {}

            @Override
            public int partitions() {
              return 3;
            }

            @Override
            public String hosting() {
              return "none";
            }
          };
      PreparedQuery pq;
      long lsn;
      try (ReadView view = db.store.snapshot()) {
        pq =
            db.store
                .queryEngine()
                .prepare(view, GraphQuery.from("User").build(), Map.of(), QueryBudget.DEFAULT);
        lsn = view.lsn();
      }
      TestProbe<Message.Response> probe = testKit.createTestProbe();
      testKit.spawn(
          QueryExecutor.create(
              pq, lsn, Map.of(), blackHole, Duration.ofMillis(200), 77, probe.ref()));
      Message.Error e = probe.expectMessageClass(Message.Error.class, Duration.ofSeconds(3));
      assertThat(e.requestId()).isEqualTo(77);
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT.code());
      assertThat(e.message()).contains("3 shard(s) did not answer");
    }
  }

  @Test
  void aPrimaryKeyReadAsksOnlyTheShardsOwningItsIdentities() {
    try (TestDb db = TestDb.blog(testKit.system(), 8)) {
      db.store.commit(
          io.ormdb.protocol.mutation.MutationBatch.of(
              new io.ormdb.protocol.mutation.Mutation.Insert(
                  "User",
                  Map.of(
                      "id",
                      io.ormdb.protocol.value.Value.of(42L),
                      "email",
                      io.ormdb.protocol.value.Value.of("a@x.io"),
                      "name",
                      io.ormdb.protocol.value.Value.of("Ann")))));
      ShardRouter real = db.actors.router();
      List<Integer> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
      ShardRouter counting =
          new ShardRouter() {
            @Override
            public void tell(String entity, int partition, EntityShard.Command message) {
              asked.add(partition);
              real.tell(entity, partition, message);
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
      PreparedQuery pq;
      long lsn;
      try (ReadView view = db.store.snapshot()) {
        pq =
            db.store
                .queryEngine()
                .prepare(
                    view,
                    GraphQuery.from("User")
                        .where(io.ormdb.protocol.query.Filter.eq("id", 42L))
                        .build(),
                    Map.of(),
                    QueryBudget.DEFAULT);
        lsn = view.lsn();
      }
      TestProbe<Message.Response> probe = testKit.createTestProbe();
      testKit.spawn(
          QueryExecutor.create(pq, lsn, Map.of(), counting, Duration.ofSeconds(3), 5, probe.ref()));
      Message.QueryReply reply =
          probe.expectMessageClass(Message.QueryReply.class, Duration.ofSeconds(3));
      assertThat(reply.result().root().size()).isEqualTo(1);
      assertThat(asked)
          .containsExactly(
              io.ormdb.store.Partitioning.partitionOf(io.ormdb.protocol.value.Value.of(42L), 8));
    }
  }
}

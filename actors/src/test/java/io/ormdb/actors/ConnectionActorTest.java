package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.connection.SessionEvent;
import io.ormdb.actors.planner.PlannerHooks;
import io.ormdb.actors.planner.ReadService;
import io.ormdb.actors.planner.Requests;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sessions: handshake, in-flight bound, timeouts and exactly one answer per request, what is not
 * available yet, and reads that involve no entity shard.
 */
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
          testKit.spawn(ConnectionActor.create(db.actors.requests(), "node-1"));
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

  /**
   * The store dispatcher is replaced by an executor that holds its tasks (a slow step): requests
   * stay in flight, one more than the bound is refused, both time out, and the answers their tasks
   * give when they finally run are dropped — each request gets exactly one answer.
   */
  @Test
  void excessRequestsAreRefusedAndSlowOnesTimeOut() {
    try (TestDb db = TestDb.blog(testKit.system(), 2)) {
      List<Runnable> held = new CopyOnWriteArrayList<>();
      ActorSettings settings =
          db.actors
              .settings()
              .withMaxInFlight(2)
              .withTimeouts(Duration.ofMillis(400), Duration.ofSeconds(5));
      Requests slow =
          new Requests(
              new ShardContext(db.store, held::add, settings),
              db.actors.reads(),
              db.actors.requests().writes(),
              PlannerHooks.PASS_THROUGH);
      ActorRef<ConnectionActor.Command> c =
          testKit.spawn(ConnectionActor.embedded(slow, Sensitivity.RESTRICTED));
      TestProbe<Message.Response> probe = testKit.createTestProbe();
      c.tell(new ConnectionActor.Request(query(1), probe.ref()));
      c.tell(new ConnectionActor.Request(query(1), probe.ref()));
      assertThat(probe.expectMessageClass(Message.Error.class).message())
          .contains("already in flight");
      c.tell(new ConnectionActor.Request(query(2), probe.ref()));
      Awaitility.await().until(() -> held.size() == 2);
      c.tell(new ConnectionActor.Request(query(3), probe.ref()));
      Message.Error refused = probe.expectMessageClass(Message.Error.class);
      assertThat(refused.requestId()).isEqualTo(3);
      assertThat(refused.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED.code());
      assertThat(held).hasSize(2);

      // the held reads do not answer 1 and 2: both time out, and the slots are free again
      Message.Error t1 = probe.expectMessageClass(Message.Error.class, Duration.ofSeconds(3));
      Message.Error t2 = probe.expectMessageClass(Message.Error.class, Duration.ofSeconds(3));
      assertThat(List.of(t1.requestId(), t2.requestId())).containsExactlyInAnyOrder(1L, 2L);
      assertThat(t1.code()).isEqualTo(ErrorCode.TIMEOUT.code());
      assertThat(t2.code()).isEqualTo(ErrorCode.TIMEOUT.code());
      held.forEach(Runnable::run); // late: their answers are dropped
      probe.expectNoMessage(Duration.ofMillis(100));
      c.tell(new ConnectionActor.Request(query(4), probe.ref()));
      Awaitility.await().until(() -> held.size() == 3);

      c.tell(new ConnectionActor.Close("test over"));
      Message.Error closed = probe.expectMessageClass(Message.Error.class);
      assertThat(closed.requestId()).isEqualTo(4);
      assertThat(closed.message()).contains("closed");
      held.get(2).run();
      probe.expectNoMessage(Duration.ofMillis(100));
    }
  }

  /** An answer that wins against the timeout is the only one, and the request id is free again. */
  @Test
  void anAnsweredRequestIdMayBeUsedAgain() {
    try (TestDb db = TestDb.blog(testKit.system(), 2)) {
      TestProbe<Message.Response> probe = testKit.createTestProbe();
      for (int round = 0; round < 20; round++) {
        db.session.tell(new ConnectionActor.Request(query(7), probe.ref()));
        assertThat(probe.expectMessageClass(Message.QueryReply.class).requestId()).isEqualTo(7);
      }
      probe.expectNoMessage(Duration.ofMillis(100));
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
          testKit.spawn(ConnectionActor.create(db.actors.requests(), "node-1"), "audited-remote");
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
              ConnectionActor.embedded(db.actors.requests(), Sensitivity.INTERNAL),
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

  /** Reads of every kind, through a session: no message to any entity shard. */
  @Test
  void readsSendNothingToTheShards() {
    try (TestDb db = TestDb.blog(testKit.system(), 8)) {
      db.store.commit(
          MutationBatch.of(
              new Mutation.Insert(
                  "User",
                  Map.of(
                      "id", Value.of(42L), "email", Value.of("a@x.io"), "name", Value.of("Ann")))));
      List<String> asked = new CopyOnWriteArrayList<>();
      ShardRouter counting = WritePathTest.recording(db.actors.router(), asked);
      Requests requests =
          new Requests(
              new ShardContext(db.store, storeExecutor(), db.actors.settings()),
              new ReadService(db.store, counting, PlannerHooks.PASS_THROUGH),
              db.actors.requests().writes(),
              PlannerHooks.PASS_THROUGH);
      ActorRef<ConnectionActor.Command> c =
          testKit.spawn(ConnectionActor.embedded(requests, Sensitivity.RESTRICTED));
      GraphQuery byId = GraphQuery.from("User").where(Filter.eq("id", 42L)).build();
      GraphQuery graph = GraphQuery.from("User").include("posts").include("comments").build();
      AggregateQuery count =
          new AggregateQuery(
              "User",
              List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
              null,
              List.of(),
              null);
      assertThat(ok(db.callOn(c, id -> new Message.Query(id, 0, byId)), Message.QueryReply.class))
          .isEqualTo(db.store.query(byId));
      assertThat(ok(db.callOn(c, id -> new Message.Query(id, 0, graph)), Message.QueryReply.class))
          .isEqualTo(db.store.query(graph));
      assertThat(
              TestDb.ok(
                      db.callOn(c, id -> new Message.Aggregate(id, 0, count)),
                      Message.AggregateReply.class)
                  .result())
          .isEqualTo(db.store.aggregate(count));
      TestDb.ok(
          db.callOn(c, id -> new Message.Explain(id, 0, graph, true)), Message.ExplainReply.class);
      TestDb.ok(
          db.callOn(c, id -> new Message.QueryText(id, 0, "User.findMany().where(id > 1)")),
          Message.QueryReply.class);
      assertThat(asked).isEmpty();
    }
  }

  private static io.ormdb.protocol.result.QueryResult ok(
      Message.Response r, Class<Message.QueryReply> type) {
    return TestDb.ok(r, type).result();
  }

  private java.util.concurrent.Executor storeExecutor() {
    return testKit
        .system()
        .dispatchers()
        .lookup(
            org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(
                ActorSettings.STORE_DISPATCHER));
  }
}

package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.planner.PlannerHooks;
import io.ormdb.actors.planner.Requests;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.query.QueryBudget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Sessions on the store dispatcher read graph queries on their own thread within a slice: which
 * thread answers, what stays a store task, a long query that does not hold up the session's cheap
 * ones, and deadlines on that path. Where a clock is needed it is a counter (one millisecond per
 * reading), so where a slice or deadline ends is exact, without timing anything.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InlineReadsTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  private static final GraphQuery BY_ID =
      GraphQuery.from("User").where(Filter.eq("id", 7L)).build();

  /** Every user: no index serves a not-equal, so this reads them all (a check every 256). */
  private static GraphQuery everyoneBut(String name) {
    return GraphQuery.from("User").where(Filter.cmp("name", Filter.Op.NE, name)).build();
  }

  /** Hooks that record the threads they run on (the session's: they run in its checks). */
  static final class ThreadRecorder implements PlannerHooks {
    final List<String> threads = new CopyOnWriteArrayList<>();

    @Override
    public GraphQuery query(GraphQuery q, Map<String, Value> session) {
      threads.add(Thread.currentThread().getName());
      return q;
    }

    @Override
    public AggregateQuery aggregate(AggregateQuery q, Map<String, Value> session) {
      return q;
    }

    @Override
    public MutationBatch mutation(MutationBatch batch, Map<String, Value> session) {
      return batch;
    }

    @Override
    public QueryBudget budget(Map<String, Value> session) {
      return QueryBudget.DEFAULT;
    }
  }

  /** A nanosecond clock that advances one millisecond per reading. */
  static final class Millis implements java.util.function.LongSupplier {
    final AtomicLong readings = new AtomicLong();

    @Override
    public long getAsLong() {
      return readings.incrementAndGet() * 1_000_000L;
    }
  }

  private TestDb users(int count, PlannerHooks hooks) {
    TestDb db =
        new TestDb(
            testKit.system(),
            OrmStore.open(StoreConfig.inMemory()),
            // a slice no read here overruns on a real clock, however cold or busy the machine
            ActorSettings.create(testKit.system())
                .withPartitions(2)
                .withInlineReadSlice(Duration.ofMinutes(1)),
            hooks,
            true);
    db.store.applySchema(io.ormdb.protocol.lang.schema.SchemaParser.parse(TestDb.BLOG));
    List<Mutation> rows = new ArrayList<>();
    for (long id = 1; id <= count; id++) {
      rows.add(
          new Mutation.Insert(
              "User",
              Map.of("id", Value.of(id), "email", Value.of("u" + id + "@x"), "name", name(id))));
    }
    db.store.commit(new MutationBatch(rows));
    return db;
  }

  private static Value name(long id) {
    return Value.of("n" + id);
  }

  private Message.Response call(ActorRef<ConnectionActor.Command> session, Message.Request r) {
    TestProbe<Message.Response> probe = testKit.createTestProbe();
    session.tell(new ConnectionActor.Request(r, probe.ref()));
    Message.Response answer = probe.receiveMessage();
    assertThat(answer.requestId()).isEqualTo(r.requestId());
    return answer;
  }

  private Executor storeDispatcher() {
    return testKit
        .system()
        .dispatchers()
        .lookup(DispatcherSelector.fromConfig(ActorSettings.STORE_DISPATCHER));
  }

  /**
   * A session of {@link OrmDbActors} runs on the store dispatcher and answers a graph query there,
   * itself; aggregates and explains stay store tasks. A session started on another dispatcher, or
   * with {@code inline-read-slice = 0}, never reads on its own thread.
   */
  @Test
  void aSessionOnTheStoreDispatcherAnswersGraphQueriesOnItsOwnThread() {
    ThreadRecorder hooks = new ThreadRecorder();
    try (TestDb db = users(10, hooks)) {
      Requests requests = db.actors.requests();
      ActorRef<ConnectionActor.Command> session = db.actors.connectEmbedded();
      long inline = requests.inlineReads();
      Message.Response r = call(session, new Message.Query(1, 0, BY_ID));
      assertThat(TestDb.ok(r, Message.QueryReply.class).result()).isEqualTo(db.store.query(BY_ID));
      assertThat(requests.inlineReads()).isEqualTo(inline + 1);
      assertThat(hooks.threads).singleElement().asString().contains(ActorSettings.STORE_DISPATCHER);
      TestDb.ok(
          call(session, new Message.QueryText(2, 0, "User.findMany().where(id == 3)")),
          Message.QueryReply.class);
      assertThat(requests.inlineReads()).isEqualTo(inline + 2);

      AggregateQuery count =
          new AggregateQuery(
              "User",
              List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
              null,
              List.of(),
              null);
      TestDb.ok(call(session, new Message.Aggregate(3, 0, count)), Message.AggregateReply.class);
      TestDb.ok(call(session, new Message.Explain(4, 0, BY_ID, true)), Message.ExplainReply.class);
      assertThat(requests.inlineReads())
          .as("aggregates and explains are tasks")
          .isEqualTo(inline + 2);

      hooks.threads.clear();
      ActorRef<ConnectionActor.Command> onDefault =
          testKit.spawn(ConnectionActor.embedded(requests, Sensitivity.RESTRICTED));
      assertThat(
              TestDb.ok(call(onDefault, new Message.Query(5, 0, BY_ID)), Message.QueryReply.class)
                  .result())
          .isEqualTo(db.store.query(BY_ID));
      assertThat(requests.inlineReads()).as("not on the default dispatcher").isEqualTo(inline + 2);
      assertThat(hooks.threads).singleElement().asString().doesNotContain("store-dispatcher");

      Requests off =
          new Requests(
              new ShardContext(
                  db.store,
                  storeDispatcher(),
                  db.actors.settings().withInlineReadSlice(Duration.ZERO)),
              db.actors.reads(),
              requests.writes(),
              hooks);
      ActorRef<ConnectionActor.Command> noSlice =
          testKit.spawn(
              ConnectionActor.embedded(off, Sensitivity.RESTRICTED), OrmDbActors.SESSION_PROPS);
      TestDb.ok(call(noSlice, new Message.Query(6, 0, BY_ID)), Message.QueryReply.class);
      assertThat(off.inlineReads()).as("inline-read-slice = 0").isZero();
    }
  }

  /**
   * A query that does not fit in the slice stops and becomes a store task (held here), and while it
   * waits the session answers a cheap query on its own thread; the held task answers the long one
   * in full. The next query of the long one's shape goes straight to a task, without a try, and
   * that task reads within what is left of its request's deadline.
   */
  @Test
  void aLongQueryBecomesATaskAndDoesNotHoldUpACheapOne() {
    try (TestDb db = users(4_000, PlannerHooks.PASS_THROUGH)) {
      List<Runnable> held = new CopyOnWriteArrayList<>();
      Millis clock = new Millis();
      Requests requests =
          new Requests(
              new ShardContext(
                  db.store,
                  held::add,
                  db.actors.settings().withInlineReadSlice(Duration.ofMillis(8))),
              db.actors.reads(),
              db.actors.requests().writes(),
              PlannerHooks.PASS_THROUGH,
              clock);
      ActorRef<ConnectionActor.Command> session =
          testKit.spawn(
              ConnectionActor.embedded(requests, Sensitivity.RESTRICTED),
              OrmDbActors.SESSION_PROPS);
      TestProbe<Message.Response> probe = testKit.createTestProbe();

      session.tell(
          new ConnectionActor.Request(new Message.Query(1, 0, everyoneBut("n1")), probe.ref()));
      Awaitility.await().until(() -> held.size() == 1);
      session.tell(new ConnectionActor.Request(new Message.Query(2, 0, BY_ID), probe.ref()));
      Message.QueryReply cheap = probe.expectMessageClass(Message.QueryReply.class);
      assertThat(cheap.requestId()).isEqualTo(2);
      assertThat(cheap.result()).isEqualTo(db.store.query(BY_ID));
      assertThat(requests.inlineReads()).isEqualTo(1);

      long before = clock.readings.get();
      session.tell(
          new ConnectionActor.Request(new Message.Query(3, 0, everyoneBut("n2")), probe.ref()));
      Awaitility.await().until(() -> held.size() == 2);
      assertThat(clock.readings.get() - before)
          .as("the deadline, the slice and the engine's first check: refused before reading")
          .isEqualTo(3);

      held.get(0).run();
      Message.QueryReply first = probe.expectMessageClass(Message.QueryReply.class);
      assertThat(first.requestId()).isEqualTo(1);
      assertThat(first.result()).isEqualTo(db.store.query(everyoneBut("n1")));
      assertThat(first.result().root().size()).isEqualTo(3_999);
      // the task reads with what is left of the request's deadline: past it, TIMEOUT
      clock.readings.addAndGet(Duration.ofSeconds(20).toMillis());
      held.get(1).run();
      Message.Error late = probe.expectMessageClass(Message.Error.class);
      assertThat(late.requestId()).isEqualTo(3);
      assertThat(late.code()).isEqualTo(ErrorCode.TIMEOUT.code());
      assertThat(requests.inlineReads()).isEqualTo(1);
    }
  }

  /**
   * The request's deadline applies on the session's thread too: past it, the read stops with
   * TIMEOUT and that is its answer (not a store task).
   */
  @Test
  void aReadOnTheSessionsThreadStopsAtItsDeadline() {
    try (TestDb db = users(10, PlannerHooks.PASS_THROUGH)) {
      List<Runnable> held = new CopyOnWriteArrayList<>();
      Requests requests =
          new Requests(
              new ShardContext(
                  db.store,
                  held::add,
                  db.actors
                      .settings()
                      .withTimeouts(Duration.ofMillis(2), Duration.ofSeconds(5))
                      .withInlineReadSlice(Duration.ofSeconds(1))),
              db.actors.reads(),
              db.actors.requests().writes(),
              PlannerHooks.PASS_THROUGH,
              new Millis());
      ActorRef<ConnectionActor.Command> session =
          testKit.spawn(
              ConnectionActor.embedded(requests, Sensitivity.RESTRICTED),
              OrmDbActors.SESSION_PROPS);
      Message.Response r = call(session, new Message.Query(1, 0, BY_ID));
      assertThat(r).isInstanceOf(Message.Error.class);
      assertThat(((Message.Error) r).code()).isEqualTo(ErrorCode.TIMEOUT.code());
      assertThat(requests.inlineReads()).isEqualTo(1);
      assertThat(held).isEmpty();
    }
  }
}

package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.planner.Planner;
import io.ormdb.actors.planner.PlannerHooks;
import io.ormdb.actors.planner.ReadService;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.query.Deadline;
import io.ormdb.store.query.QueryBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every read — through a session, the planner or on the caller's thread — passes the same checks:
 * the hooks' rewrite, refusals and budget apply, once per request, and a read past its deadline
 * stops with TIMEOUT.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestChecksTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  /** Row-level security stand-in: hides users named "hidden", refuses comments, counts calls. */
  static final class Hooks implements PlannerHooks {
    final AtomicInteger queries = new AtomicInteger();
    final AtomicInteger aggregates = new AtomicInteger();
    volatile QueryBudget budget = QueryBudget.DEFAULT;

    @Override
    public GraphQuery query(GraphQuery q, Map<String, Value> session) {
      queries.incrementAndGet();
      if (q.rootEntity().equals("Comment")) {
        throw new OrmDbException(ErrorCode.PERMISSION_DENIED, "no comments for this session");
      }
      if (!q.rootEntity().equals("User")) {
        return q;
      }
      Filter visible = Filter.cmp("name", Filter.Op.NE, "hidden");
      return new GraphQuery(
          q.rootEntity(),
          q.fields(),
          q.filter() == null ? visible : Filter.and(q.filter(), visible),
          q.orderBy(),
          q.pagination(),
          q.includes(),
          q.readOptions());
    }

    @Override
    public AggregateQuery aggregate(AggregateQuery q, Map<String, Value> session) {
      aggregates.incrementAndGet();
      if (q.entity().equals("Comment")) {
        throw new OrmDbException(ErrorCode.PERMISSION_DENIED, "no comments for this session");
      }
      if (!q.entity().equals("User")) {
        return q;
      }
      Filter visible = Filter.cmp("name", Filter.Op.NE, "hidden");
      return new AggregateQuery(
          q.entity(),
          q.aggregations(),
          q.filter() == null ? visible : Filter.and(q.filter(), visible),
          q.groupBy(),
          q.readOptions());
    }

    @Override
    public MutationBatch mutation(MutationBatch batch, Map<String, Value> session) {
      return batch;
    }

    @Override
    public QueryBudget budget(Map<String, Value> session) {
      return budget;
    }
  }

  private final Hooks hooks = new Hooks();
  private OrmStore store;
  private OrmDbActors actors;
  private ActorRef<ConnectionActor.Command> session;
  private final AtomicInteger ids = new AtomicInteger();

  @BeforeAll
  void setUp() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(SchemaParser.parse(TestDb.BLOG));
    actors =
        OrmDbActors.start(
            testKit.system(),
            "fast",
            store,
            // the session reads on its own thread (a slice no read here overruns)
            io.ormdb.actors.settings.ActorSettings.create(testKit.system())
                .withPartitions(4)
                .withInlineReadSlice(java.time.Duration.ofMinutes(1)),
            hooks);
    session = actors.connectEmbedded();
    List<Mutation> rows = new ArrayList<>();
    for (long id = 1; id <= 8; id++) {
      rows.add(
          new Mutation.Insert(
              "User",
              Map.of(
                  "id",
                  Value.of(id),
                  "email",
                  Value.of("u" + id + "@x"),
                  "name",
                  Value.of(id == 4 ? "hidden" : "n" + id))));
    }
    store.commit(new MutationBatch(rows));
  }

  @AfterAll
  void tearDown() {
    store.close();
  }

  private Message.Response call(GraphQuery q) {
    return call(session, q);
  }

  private Message.Response call(ActorRef<ConnectionActor.Command> on, GraphQuery q) {
    TestProbe<Message.Response> probe = testKit.createTestProbe();
    long id = ids.incrementAndGet();
    on.tell(new ConnectionActor.Request(new Message.Query(id, 0, q), probe.ref()));
    Message.Response r = probe.receiveMessage();
    assertThat(r.requestId()).isEqualTo(id);
    return r;
  }

  private QueryResult result(GraphQuery q) {
    return TestDb.ok(call(q), Message.QueryReply.class).result();
  }

  private static GraphQuery user(long id) {
    return GraphQuery.from("User").where(Filter.eq("id", id)).build();
  }

  @Test
  void theHooksRewriteAppliesAndRunsOncePerQuery() {
    int calls = hooks.queries.get();
    QueryResult visible = result(user(2));
    QueryResult hidden = result(user(4));
    assertThat(hooks.queries.get() - calls).isEqualTo(2);
    assertThat(visible).isEqualTo(store.query(hooks.query(user(2), Map.of())));
    assertThat(visible.root().ids()).containsExactly(Value.of(2L));
    assertThat(hidden.root().size()).isZero(); // the store alone would find it
    assertThat(store.query(user(4)).root().size()).isEqualTo(1);

    calls = hooks.queries.get();
    assertThat(result(GraphQuery.from("User").include("posts").build()).root().ids())
        .doesNotContain(Value.of(4L))
        .hasSize(7);
    assertThat(hooks.queries.get() - calls).isEqualTo(1);
  }

  /**
   * {@link ReadService#query} answers on the calling thread with the same checks and the same
   * answer as a session (hooks' rewrite and refusals, budget), for every query: primary keys of
   * several partitions, includes, other filters.
   */
  @Test
  void readsOnTheCallersThreadGiveTheSessionsAnswerAfterTheSameChecks() {
    ReadService reads = actors.reads();
    int calls = hooks.queries.get();
    QueryResult onCaller = reads.query(user(2), Map.of(), Sensitivity.RESTRICTED, Deadline.NONE);
    assertThat(hooks.queries.get() - calls).as("the hooks run once").isEqualTo(1);
    assertThat(onCaller).isEqualTo(result(user(2)));
    assertThat(reads.query(user(4), Map.of(), Sensitivity.RESTRICTED, Deadline.NONE).root().size())
        .as("the hooks' rewrite hides it, as through a session")
        .isZero();
    GraphQuery twoPartitions =
        GraphQuery.from("User")
            .where(
                new Filter.In(
                    "id",
                    List.of(Value.of(1L), Value.of(2L), Value.of(3L), Value.of(5L), Value.of(8L)),
                    false))
            .build();
    GraphQuery withPosts = GraphQuery.from("User").include("posts").build();
    GraphQuery byName = GraphQuery.from("User").where(Filter.eq("name", "n1")).build();
    for (GraphQuery q : List.of(twoPartitions, withPosts, byName)) {
      assertThat(reads.query(q, Map.of(), Sensitivity.RESTRICTED, Deadline.NONE))
          .as("%s", q)
          .isEqualTo(store.query(hooks.query(q, Map.of())))
          .isEqualTo(result(q));
    }

    assertThatThrownBy(
            () ->
                reads.query(
                    GraphQuery.from("Comment").where(Filter.eq("id", 1L)).build(),
                    Map.of(),
                    Sensitivity.RESTRICTED,
                    Deadline.NONE))
        .isInstanceOf(OrmDbException.class)
        .satisfies(
            e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.PERMISSION_DENIED));
    hooks.budget = new QueryBudget(5, 0, 50_000);
    try {
      assertThatThrownBy(
              () -> reads.query(user(3), Map.of(), Sensitivity.RESTRICTED, Deadline.NONE))
          .isInstanceOf(OrmDbException.class)
          .satisfies(
              e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED));
    } finally {
      hooks.budget = QueryBudget.DEFAULT;
    }
  }

  @Test
  void aRefusalOfTheHooksAndTheSessionsBudgetApply() {
    Message.Response refused = call(GraphQuery.from("Comment").where(Filter.eq("id", 1L)).build());
    assertThat(((Message.Error) refused).code()).isEqualTo(ErrorCode.PERMISSION_DENIED.code());

    hooks.budget = new QueryBudget(5, 0, 50_000);
    try {
      long inline = actors.requests().inlineReads();
      Message.Response over = call(user(3));
      assertThat(over).isInstanceOf(Message.Error.class);
      assertThat(((Message.Error) over).code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED.code());
      assertThat(actors.requests().inlineReads())
          .as("refused by the budget on the session's thread")
          .isEqualTo(inline + 1);
    } finally {
      hooks.budget = QueryBudget.DEFAULT;
    }
    assertThat(result(user(3)).root().ids()).containsExactly(Value.of(3L));
  }

  /** A read whose deadline has passed when it runs stops with TIMEOUT before it reads. */
  @Test
  void aReadPastItsDeadlineStopsWithTimeout() {
    ReadService.Read<QueryResult> read =
        actors
            .reads()
            .checkQuery(GraphQuery.from("User").build(), Map.of(), Sensitivity.RESTRICTED, 0);
    Deadline passed = Deadline.after(java.time.Duration.ZERO);
    assertThatThrownBy(() -> read.run(passed))
        .isInstanceOf(OrmDbException.class)
        .satisfies(e -> assertThat(((OrmDbException) e).code()).isEqualTo(ErrorCode.TIMEOUT));
    assertThat(read.run(Deadline.NONE).root().size()).isEqualTo(7);
  }

  @Test
  void theSessionsHooksRewriteAndBoundAggregates() {
    AggregateQuery byName =
        new AggregateQuery(
            "User",
            List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
            null,
            List.of("name"),
            null);
    hooks.budget = new QueryBudget(5, 3, 50_000);
    try {
      TestProbe<Message.Response> probe = testKit.createTestProbe();
      session.tell(new ConnectionActor.Request(new Message.Aggregate(900, 0, byName), probe.ref()));
      Message.Error refused = probe.expectMessageClass(Message.Error.class);
      assertThat(refused.code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED.code());
      assertThat(refused.message()).contains("more than 3 groups");
    } finally {
      hooks.budget = QueryBudget.DEFAULT;
    }
    TestProbe<Message.Response> probe = testKit.createTestProbe();
    int calls = hooks.aggregates.get();
    session.tell(new ConnectionActor.Request(new Message.Aggregate(901, 0, byName), probe.ref()));
    List<List<Value>> groups =
        probe.expectMessageClass(Message.AggregateReply.class).result().rows();
    assertThat(groups).as("the hooks' rewrite hides user 4 from aggregates too").hasSize(7);
    assertThat(groups).noneMatch(g -> g.get(0).equals(Value.of("hidden")));
    assertThat(hooks.aggregates.get() - calls).isEqualTo(1);

    session.tell(
        new ConnectionActor.Request(
            new Message.Aggregate(
                902,
                0,
                new AggregateQuery(
                    "Comment",
                    List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
                    null,
                    List.of(),
                    null)),
            probe.ref()));
    assertThat(probe.expectMessageClass(Message.Error.class).code())
        .isEqualTo(ErrorCode.PERMISSION_DENIED.code());
  }

  @Test
  void aNewSchemaVersionIsReadAtOnce() {
    long version = store.schema().version();
    store.applySchema(
        SchemaParser.parse(TestDb.BLOG + "\nentity Tag {\n  id int64 @id\n  label string\n}\n"));
    assertThat(store.schema().version()).isGreaterThan(version);
    assertThat(result(user(5))).isEqualTo(store.query(hooks.query(user(5), Map.of())));
    assertThat(result(GraphQuery.from("Tag").build()).root().size()).isZero();
    TestProbe<Message.Response> probe = testKit.createTestProbe();
    session.tell(
        new ConnectionActor.Request(
            new Message.Query(ids.incrementAndGet(), version, user(5)), probe.ref()));
    assertThat(probe.expectMessageClass(Message.Error.class).code())
        .isEqualTo(ErrorCode.SCHEMA_MISMATCH.code());
  }

  /** Actor-native callers of the planner get the sessions' answers, after the same checks. */
  @Test
  void actorNativeCallersOfThePlannerGetTheSameAnswers() {
    int calls = hooks.queries.get();
    TestProbe<Message.Response> probe = testKit.createTestProbe();
    actors
        .planner()
        .tell(new Planner.Plan(new Message.Query(77, 0, user(7)), Map.of(), probe.ref()));
    Message.QueryReply viaPlanner = probe.expectMessageClass(Message.QueryReply.class);
    assertThat(viaPlanner.requestId()).isEqualTo(77);
    assertThat(viaPlanner.result()).isEqualTo(store.query(hooks.query(user(7), Map.of())));
    assertThat(viaPlanner.result()).isEqualTo(result(user(7)));
    assertThat(hooks.queries.get() - calls).isEqualTo(3); // planner, session, the expectation
    actors
        .planner()
        .tell(
            new Planner.Plan(
                new Message.Query(78, 0, GraphQuery.from("Comment").build()),
                Map.of(),
                probe.ref()));
    assertThat(probe.expectMessageClass(Message.Error.class).code())
        .isEqualTo(ErrorCode.PERMISSION_DENIED.code());
  }
}

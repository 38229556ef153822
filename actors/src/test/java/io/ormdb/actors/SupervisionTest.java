package io.ormdb.actors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.actors.planner.Planner;
import io.ormdb.actors.planner.PlannerHooks;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.query.QueryBudget;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A request that fails with an unexpected exception (here: planner hooks that throw once) gets an
 * INTERNAL error naming the exception, not a timeout, and the actors serve the next request: the
 * planner does not stop.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SupervisionTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  /** Pass-through hooks whose method {@code failing} throws on its first call. */
  private static final class FailOnce implements PlannerHooks {
    private final String failing;
    private final AtomicInteger calls = new AtomicInteger();

    FailOnce(String failing) {
      this.failing = failing;
    }

    private void call(String method) {
      if (method.equals(failing) && calls.getAndIncrement() == 0) {
        throw new IllegalStateException("hook " + method + " broke");
      }
    }

    @Override
    public GraphQuery query(GraphQuery q, Map<String, Value> session) {
      call("query");
      return q;
    }

    @Override
    public AggregateQuery aggregate(AggregateQuery q, Map<String, Value> session) {
      call("aggregate");
      return q;
    }

    @Override
    public MutationBatch mutation(MutationBatch batch, Map<String, Value> session) {
      call("mutation");
      return batch;
    }

    @Override
    public QueryBudget budget(Map<String, Value> session) {
      call("budget");
      return QueryBudget.DEFAULT;
    }
  }

  private TestDb db(String failingHook) {
    TestDb db =
        new TestDb(
            testKit.system(),
            OrmStore.open(StoreConfig.inMemory()),
            ActorSettings.create(testKit.system()).withPartitions(2),
            new FailOnce(failingHook),
            true);
    db.store.applySchema(SchemaParser.parse(TestDb.BLOG));
    return db;
  }

  private static Mutation user(long id) {
    return new Mutation.Insert(
        "User", Map.of("id", Value.of(id), "email", Value.of(id + "@x"), "name", Value.of("n")));
  }

  private static void assertInternal(Message.Response r, String hook) {
    assertThat(r).isInstanceOf(Message.Error.class);
    Message.Error e = (Message.Error) r;
    assertThat(e.code()).as(e.message()).isEqualTo(ErrorCode.INTERNAL.code());
    assertThat(e.message())
        .isEqualTo("the request failed: java.lang.IllegalStateException: hook " + hook + " broke");
  }

  private static final AggregateQuery COUNT =
      new AggregateQuery(
          "User",
          List.of(new AggregateQuery.Aggregation(AggregateQuery.Function.COUNT, null)),
          null,
          List.of(),
          null);

  @Test
  void aMutationWhoseHookThrowsIsInternalAndTheNextOneCommits() {
    try (TestDb db = db("mutation")) {
      assertInternal(
          db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(user(1)))), "mutation");
      TestDb.ok(
          db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(user(2)))),
          Message.MutateReply.class);
      // the written text form goes the same way to the coordinator
      TestDb.ok(
          db.call(
              id ->
                  new Message.QueryText(
                      id, 0, "User.create({id: 3, email: \"3@x\", name: \"c\"})")),
          Message.MutateReply.class);
      assertThat(
              TestDb.ok(
                      db.call(id -> new Message.Query(id, 0, GraphQuery.from("User").build())),
                      Message.QueryReply.class)
                  .result()
                  .root()
                  .ids())
          .as("nothing of the failed batch")
          .containsExactlyInAnyOrder(Value.of(2L), Value.of(3L));
    }
  }

  @Test
  void aWrittenStatementWhoseHookThrowsIsInternalToo() {
    try (TestDb db = db("mutation")) {
      assertInternal(
          db.call(
              id ->
                  new Message.QueryText(
                      id, 0, "User.create({id: 1, email: \"1@x\", name: \"a\"})")),
          "mutation");
      TestDb.ok(
          db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(user(2)))),
          Message.MutateReply.class);
    }
  }

  @Test
  void anAggregateWhoseHookThrowsIsInternalAndTheNextOneAnswers() {
    try (TestDb db = db("aggregate")) {
      assertInternal(db.call(id -> new Message.Aggregate(id, 0, COUNT)), "aggregate");
      Message.AggregateReply a =
          TestDb.ok(
              db.call(id -> new Message.Aggregate(id, 0, COUNT)), Message.AggregateReply.class);
      assertThat(a.result().rows().get(0).get(0).asLong()).isZero();
      TestDb.ok(
          db.call(id -> new Message.Mutate(id, 0, MutationBatch.of(user(1)))),
          Message.MutateReply.class);
    }
  }

  @Test
  void anAggregateWhoseBudgetHookThrowsIsInternalAndTheNextOneAnswers() {
    try (TestDb db = db("budget")) {
      assertInternal(db.call(id -> new Message.Aggregate(id, 0, COUNT)), "budget");
      TestDb.ok(db.call(id -> new Message.Aggregate(id, 0, COUNT)), Message.AggregateReply.class);
    }
  }

  @Test
  void anExplainWhoseHookThrowsIsInternalAndTheNextOneAnswers() {
    try (TestDb db = db("query")) {
      GraphQuery q = GraphQuery.from("User").build();
      assertInternal(db.call(id -> new Message.Explain(id, 0, q, false)), "query");
      TestDb.ok(db.call(id -> new Message.Explain(id, 0, q, false)), Message.ExplainReply.class);
    }
  }

  /** Straight to the planner (the protocol of actor-native callers). */
  @Test
  void aQueryPlannedWhoseHookThrowsIsInternalAndTheNextOneAnswers() {
    try (TestDb db = db("query")) {
      TestProbe<Message.Response> probe = testKit.createTestProbe();
      GraphQuery q = GraphQuery.from("User").build();
      db.actors.planner().tell(new Planner.Plan(new Message.Query(1, 0, q), Map.of(), probe.ref()));
      Message.Response first = probe.receiveMessage();
      assertThat(first.requestId()).isEqualTo(1);
      assertInternal(first, "query");
      db.actors.planner().tell(new Planner.Plan(new Message.Query(2, 0, q), Map.of(), probe.ref()));
      assertThat(probe.expectMessageClass(Message.QueryReply.class).requestId()).isEqualTo(2);
    }
  }

  /** Through a session, which runs the hooks itself on its own thread. */
  @Test
  void aQueryOfASessionWhoseHookThrowsIsInternalAndTheNextOneAnswers() {
    try (TestDb db = db("query")) {
      GraphQuery q = GraphQuery.from("User").build();
      assertInternal(db.call(id -> new Message.Query(id, 0, q)), "query");
      TestDb.ok(db.call(id -> new Message.Query(id, 0, q)), Message.QueryReply.class);
    }
  }
}

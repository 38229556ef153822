package io.ormdb.cdc.live;

import static io.ormdb.cdc.live.Blog.delete;
import static io.ormdb.cdc.live.Blog.insert;
import static io.ormdb.cdc.live.Blog.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.feed.FeedSettings;
import io.ormdb.cdc.live.LiveEvent.Delta;
import io.ormdb.cdc.live.LiveEvent.Row;
import io.ormdb.cdc.live.LiveEvent.RowKey;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The hub behind live queries, with rounds run when the test says so: what a round reads, when it
 * queries, what it edits in place, how it coalesces, shares and treats slow subscribers.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveHubTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  private OrmStore store;
  private StepExecutor rounds;
  private LiveQueries live;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.inMemory());
    store.applySchema(Blog.schema());
    rounds = new StepExecutor();
    live = new LiveQueries(store, rounds, new FeedSettings(2, "unused"), new LiveSettings(3));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private long commit(Mutation... ms) {
    return store.commit(MutationBatch.of(ms)).lsn();
  }

  private static Mutation user(long id, String city) {
    return insert("User", "id", id, "name", "u" + id, "city", city, "age", 30);
  }

  private static Mutation post(long id, long author, int score) {
    return insert("Post", "id", id, "authorId", author, "title", "p" + id, "score", score);
  }

  private static Value v(long id) {
    return Value.of(id);
  }

  /** A subscriber whose sink takes one event at a time, only when the test pulls. */
  private Pair<FeedControl, SinkQueueWithCancel<LiveEvent>> subscribe(GraphQuery q) {
    return subscribe(q, Map.of());
  }

  private Pair<FeedControl, SinkQueueWithCancel<LiveEvent>> subscribe(
      GraphQuery q, Map<String, Value> attributes) {
    return live.subscribe(q, 0, attributes)
        .toMat(Sink.<LiveEvent>queue().withAttributes(Attributes.inputBuffer(1, 1)), Keep.both())
        .run(testKit.system());
  }

  /** The next event; runs rounds while it is not there yet (a new subscription needs one). */
  private LiveEvent next(SinkQueueWithCancel<LiveEvent> q) throws Exception {
    Optional<LiveEvent> o = rounds.runUntil(q.pull().toCompletableFuture());
    assertThat(o).as("an event, not the end of the stream").isPresent();
    return o.get();
  }

  private LiveView.State expected(GraphQuery q) {
    return LiveView.of(store.query(q)).state();
  }

  private static final GraphQuery ROME =
      GraphQuery.from("User").where(Filter.eq("city", "Rome")).include("posts").build();

  @Test
  void changeSetsOutsideTheReadSetAreSkippedAndRowsInsideArePatchedWithoutQuerying()
      throws Exception {
    commit(user(1, "Rome"), user(2, "Berlin"), post(10, 1, 5));
    var sub = subscribe(ROME);
    LiveView view = new LiveView().apply(next(sub.second()));
    assertThat(live.stats().queryRuns()).isEqualTo(1);

    for (long i = 1; i <= 5; i++) {
      commit(insert("Note", "id", i, "text", "n")); // an entity the query does not read
    }
    commit(insert("Tag", "id", 1L, "label", "t"));
    rounds.round();
    commit(update("User", 2, "name", "other")); // read, but neither in the result nor matching
    commit(post(11, 2, 1)); // a post of a user outside the result
    commit(insert("Comment", "id", 5L, "postId", 10L, "body", "b", "likes", 1)); // not read
    rounds.round();
    assertThat(live.stats().queryRuns()).as("no query for any of them").isEqualTo(1);
    assertThat(live.stats().changeSets()).isEqualTo(9);
    assertThat(live.stats().decisions())
        .as(
            "user 2 is outside the root filter's range city == 'Rome', before and after: not looked at")
        .isEqualTo(1);
    assertThat(live.stats().skipped()).as("post 11, skipped by the row-level rules").isEqualTo(1);

    long renamed = commit(update("User", 1, "name", "ann"), update("Post", 10, "title", "new"));
    rounds.round();
    Delta d = (Delta) next(sub.second());
    assertThat(d.lsn()).isEqualTo(renamed);
    assertThat(d.changed())
        .extracting(Row::key)
        .containsExactlyInAnyOrder(new RowKey("", v(1)), new RowKey("posts", v(10)));
    assertThat(d.entered()).isEmpty();
    assertThat(d.left()).isEmpty();
    assertThat(d.children()).isEmpty();
    assertThat(d.rootOrder()).isNull();
    view.apply(d);
    assertThat(view.state()).isEqualTo(expected(ROME));
    assertThat(live.stats().queryRuns()).as("patched in place").isEqualTo(1);
    assertThat(live.stats().incrementalUpdates()).isEqualTo(1);

    long moved = commit(update("Post", 10, "authorId", 2L)); // a relation key: re-run
    rounds.round();
    Delta m = (Delta) next(sub.second());
    assertThat(m.lsn()).isEqualTo(moved);
    assertThat(m.left()).containsExactly(new RowKey("posts", v(10)));
    view.apply(m);
    assertThat(view.state()).isEqualTo(expected(ROME));
    assertThat(live.stats().queryRuns()).isEqualTo(2);
  }

  @Test
  void aQueryThatFellBehindJumpsToTheNewestLsnWithOneRunAndAllQueriesShareThatLsn()
      throws Exception {
    commit(user(1, "Rome"), post(10, 1, 5));
    GraphQuery top = GraphQuery.from("Post").orderBy(OrderSpec.desc("score")).limit(2).build();
    var rome = subscribe(ROME);
    var best = subscribe(top);
    LiveView romeView = new LiveView().apply(next(rome.second()));
    LiveView bestView = new LiveView().apply(next(best.second()));
    long runs = live.stats().queryRuns();
    commit(user(2, "Rome"));
    commit(post(20, 2, 9));
    commit(user(3, "Rome"), post(30, 3, 7));
    long last = commit(update("User", 1, "city", "Paris"));
    rounds.round();
    LiveEvent r = next(rome.second());
    LiveEvent b = next(best.second());
    assertThat(r.lsn()).as("the newest LSN wins").isEqualTo(last);
    assertThat(b.lsn()).as("every query advances to the same LSN").isEqualTo(last);
    romeView.apply(r);
    bestView.apply(b);
    assertThat(romeView.state()).isEqualTo(expected(ROME));
    assertThat(bestView.state()).isEqualTo(expected(top));
    assertThat(ids(romeView.root())).containsExactly(v(2), v(3));
    assertThat(ids(bestView.root())).containsExactly(v(20), v(30));
    assertThat(live.stats().queryRuns() - runs)
        .as("one run per query for four change sets")
        .isEqualTo(2);
  }

  private static List<Value> ids(List<Row> rows) {
    return rows.stream().map(Row::id).toList();
  }

  @Test
  void subscribersOfTheSameQueryShareOneEvaluation() throws Exception {
    commit(user(1, "Rome"), user(2, "Paris"));
    GraphQuery mine =
        GraphQuery.from("User").where(new Filter.AttrCompare("city", Filter.Op.EQ, "city")).build();
    var a = subscribe(mine, Map.of("city", Value.of("Rome")));
    var b = subscribe(mine, Map.of("city", Value.of("Rome")));
    var c = subscribe(mine, Map.of("city", Value.of("Rome")));
    var paris = subscribe(mine, Map.of("city", Value.of("Paris")));
    for (var s : List.of(a, b, c, paris)) {
      next(s.second());
    }
    assertThat(live.stats().queries()).isEqualTo(2);
    assertThat(live.stats().subscriptions()).isEqualTo(4);
    assertThat(live.stats().queryRuns()).as("one first run per distinct query").isEqualTo(2);

    long lsn = commit(user(3, "Rome"), update("User", 2, "city", "Rome"));
    rounds.round();
    Delta da = (Delta) next(a.second());
    assertThat(next(b.second())).isEqualTo(da);
    assertThat(next(c.second())).isEqualTo(da);
    assertThat(da.lsn()).isEqualTo(lsn);
    assertThat(da.entered()).extracting(Row::id).containsExactlyInAnyOrder(v(2), v(3));
    Delta dp = (Delta) next(paris.second());
    assertThat(dp.left()).containsExactly(new RowKey("", v(2)));
    assertThat(live.stats().incrementalUpdates())
        .as("rows entering and leaving an unpaged result are edits, no runs")
        .isEqualTo(2);
    assertThat(live.stats().queryRuns()).isEqualTo(2);

    a.first().stop();
    b.first().stop();
    c.first().stop();
    await()
        .until(
            () -> {
              rounds.runAll();
              return live.stats().subscriptions() == 1;
            });
    assertThat(live.stats().queries()).as("a query without subscribers is dropped").isEqualTo(1);
  }

  @Test
  void aSubscriptionStoppedAtOnceLeavesNothingBehind() throws Exception {
    commit(user(1, "Rome"));
    for (int i = 0; i < 20; i++) {
      subscribe(ROME).first().stop();
    }
    var kept = subscribe(ROME);
    next(kept.second());
    await()
        .until(
            () -> {
              rounds.runAll();
              return live.stats().subscriptions() == 1;
            });
    assertThat(live.stats().queries()).isEqualTo(1);
    kept.first().stop();
    await()
        .until(
            () -> {
              rounds.runAll();
              return live.stats().subscriptions() == 0;
            });
    assertThat(live.stats().queries()).isZero();
  }

  @Test
  void rootRowsEnterMoveAndLeaveAnUnpagedResultWithoutQuerying() throws Exception {
    GraphQuery byScore =
        GraphQuery.from("Post")
            .where(Filter.cmp("score", Filter.Op.GE, 3))
            .orderBy(OrderSpec.desc("score"))
            .build();
    commit(user(1, "Rome"), post(10, 1, 5), post(11, 1, 1));
    var sub = subscribe(byScore);
    LiveView view = new LiveView().apply(next(sub.second()));
    long runs = live.stats().queryRuns();
    List<List<Mutation>> batches =
        List.of(
            List.of(post(12, 1, 9)), // enters first
            List.of(update("Post", 11, "score", 4)), // enters between
            List.of(update("Post", 10, "score", 3), update("Post", 12, "title", "x")), // moves
            List.of(update("Post", 12, "score", 3)), // moves down
            List.of(delete("Post", 11), post(13, 1, 0)), // leaves; a row that never matches
            List.of(update("Post", 10, "score", 1))); // stops matching
    for (List<Mutation> batch : batches) {
      long lsn = store.commit(new MutationBatch(batch)).lsn();
      rounds.round();
      LiveEvent e = next(sub.second());
      assertThat(e.lsn()).isEqualTo(lsn);
      view.apply(e);
      assertThat(view.state())
          .as("at %d", lsn)
          .isEqualTo(LiveQueryInvariantTest.expectedAt(store, byScore, lsn).state());
    }
    assertThat(ids(view.root())).containsExactly(v(12));
    assertThat(live.stats().queryRuns()).isEqualTo(runs);
    assertThat(live.stats().incrementalUpdates()).isEqualTo(batches.size());
  }

  @Test
  void aSlowSubscriberDoesNotDelayOthersAndGetsTheNewestResultOnceItAsks() throws Exception {
    commit(user(1, "Rome"));
    GraphQuery all = GraphQuery.from("User").orderBy(OrderSpec.asc("name")).build();
    var fast = subscribe(all);
    var slow = subscribe(all);
    var other = subscribe(ROME);
    LiveView fastView = new LiveView().apply(next(fast.second()));
    LiveView otherView = new LiveView().apply(next(other.second()));
    // the slow subscriber's sink takes the snapshot and asks for nothing more: its buffer (3
    // events) fills, then overflows
    await()
        .until(
            () -> {
              rounds.runAll();
              return slow.first().maxBuffered() == 1 && slow.first().buffered() == 0;
            });
    for (int i = 2; i <= 8; i++) {
      long lsn = commit(user(i, "Rome"));
      rounds.round();
      LiveEvent f = next(fast.second());
      LiveEvent o = next(other.second());
      assertThat(f.lsn()).as("the fast subscriber is served at once").isEqualTo(lsn);
      assertThat(o.lsn()).isEqualTo(lsn);
      fastView.apply(f);
      otherView.apply(o);
      assertThat(slow.first().buffered()).isLessThanOrEqualTo(3);
    }
    assertThat(fastView.state()).isEqualTo(expected(all));
    assertThat(otherView.state()).isEqualTo(expected(ROME));
    assertThat(live.stats().overflows()).isEqualTo(1);
    assertThat(slow.first().maxBuffered()).isEqualTo(3);

    LiveView slowView = new LiveView().apply(next(slow.second())); // the first snapshot
    assertThat(slowView.root()).hasSize(1);
    LiveEvent resync = next(slow.second()); // runs the round that answers its request
    assertThat(resync)
        .as("the undelivered deltas are replaced by the newest result")
        .isInstanceOf(LiveEvent.Snapshot.class);
    assertThat(resync.lsn()).isEqualTo(store.currentLsn());
    slowView.apply(resync);
    assertThat(slowView.state()).isEqualTo(expected(all));
    // and deltas follow again
    long lsn = commit(update("User", 1, "name", "zed"));
    rounds.round();
    LiveEvent after = next(slow.second());
    assertThat(after).isInstanceOf(Delta.class);
    assertThat(after.lsn()).isEqualTo(lsn);
    slowView.apply(after);
    assertThat(slowView.state()).isEqualTo(expected(all));
  }

  @Test
  void aChangeIsLookedAtOnlyForTheQueriesWhoseRootRangeHoldsItsRowBeforeOrAfter() throws Exception {
    List<Mutation> rows = new java.util.ArrayList<>();
    rows.add(user(1, "Rome"));
    for (long id = 0; id < 100; id++) {
      rows.add(post(id, 1, (int) (id % 10)));
    }
    store.commit(new MutationBatch(rows));
    // ten queries over ten ids each (as many narrow live queries of one busy entity are), two
    // over score ranges, one without a filter (looked at for every event)
    List<GraphQuery> queries = new java.util.ArrayList<>();
    for (long k = 0; k < 10; k++) {
      queries.add(
          GraphQuery.from("Post")
              .where(
                  Filter.and(
                      Filter.cmp("id", Filter.Op.GE, k * 10),
                      Filter.cmp("id", Filter.Op.LT, k * 10 + 10)))
              .orderBy(OrderSpec.asc("id"))
              .build());
    }
    GraphQuery middle =
        GraphQuery.from("Post")
            .where(
                Filter.and(
                    Filter.cmp("score", Filter.Op.GE, 5), Filter.cmp("score", Filter.Op.LT, 8)))
            .orderBy(OrderSpec.asc("score"))
            .build();
    GraphQuery high = GraphQuery.from("Post").where(Filter.cmp("score", Filter.Op.GE, 8)).build();
    GraphQuery all = GraphQuery.from("Post").select("id", "title").build();
    queries.addAll(List.of(middle, high, all));
    List<Pair<FeedControl, SinkQueueWithCancel<LiveEvent>>> subs = new java.util.ArrayList<>();
    List<LiveView> views = new java.util.ArrayList<>();
    for (GraphQuery q : queries) {
      var sub = subscribe(q);
      subs.add(sub);
      views.add(new LiveView().apply(next(sub.second())));
    }
    LiveQueries.Stats before = live.stats();

    long renamed = commit(update("Post", 23, "title", "renamed")); // score 3
    rounds.round();
    LiveQueries.Stats after = live.stats();
    assertThat(after.decisions() - before.decisions())
        .as("ids 20..29 and the query without a filter; not the other 11 queries")
        .isEqualTo(2);
    assertThat(after.incrementalUpdates() - before.incrementalUpdates()).isEqualTo(2);
    for (int i : List.of(2, 12)) {
      LiveEvent e = next(subs.get(i).second());
      assertThat(e.lsn()).isEqualTo(renamed);
      views.get(i).apply(e);
      assertThat(views.get(i).state()).isEqualTo(expected(queries.get(i)));
    }

    // a row moving from one score range to another: the first by its image before, the second by
    // its image after the change
    long moved = commit(update("Post", 56, "score", 9));
    rounds.round();
    LiveQueries.Stats last = live.stats();
    assertThat(last.decisions() - after.decisions())
        .as("ids 50..59, score 5..7 before, score >= 8 after, and the query without a filter")
        .isEqualTo(4);
    assertThat(last.queryRuns()).as("all edited in place").isEqualTo(after.queryRuns());
    for (int i : List.of(5, 10, 11)) {
      LiveEvent e = next(subs.get(i).second());
      assertThat(e.lsn()).isEqualTo(moved);
      views.get(i).apply(e);
      assertThat(views.get(i).state()).as("%s", queries.get(i)).isEqualTo(expected(queries.get(i)));
    }
    assertThat(views.get(10).rows("")).doesNotContainKey(v(56));
    assertThat(views.get(11).rows("")).containsKey(v(56));
  }

  @Test
  void theThreadThatMakesACommitVisibleQueuesTheRoundItself() throws Exception {
    commit(user(1, "Rome"));
    var sub = subscribe(ROME);
    new LiveView().apply(next(sub.second()));
    rounds.runAll();
    rounds.queuedBy.clear();
    long lsn = commit(update("User", 1, "name", "ann"));
    rounds.round();
    assertThat(next(sub.second()).lsn()).isEqualTo(lsn);
    // one task, the round, queued by the writer that made the commit visible (the committer
    // thread, or this thread committing on its own when the store is idle): no hop through the
    // store's notification thread
    assertThat(rounds.queuedBy).hasSize(1);
    assertThat(rounds.queuedBy.get(0)).isIn(Thread.currentThread().getName(), "ormdb-committer");
  }
}

package io.ormdb.cdc.live;

import static io.ormdb.cdc.live.Blog.delete;
import static io.ormdb.cdc.live.Blog.insert;
import static io.ormdb.cdc.live.Blog.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.live.LiveEvent.Children;
import io.ormdb.cdc.live.LiveEvent.Delta;
import io.ormdb.cdc.live.LiveEvent.Row;
import io.ormdb.cdc.live.LiveEvent.RowKey;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.Include;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.query.Pagination;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveQueriesTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path dir;
  private OrmStore store;
  private LiveQueries live;

  @BeforeEach
  void open() {
    open(StoreConfig.of(dir));
  }

  private void open(StoreConfig config) {
    store = OrmStore.open(config);
    if (store.schema().entities().isEmpty()) {
      store.applySchema(Blog.schema());
    }
    live = LiveQueries.create(testKit.system(), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private long commit(Mutation... ms) {
    return store.commit(MutationBatch.of(ms)).lsn();
  }

  private Pair<FeedControl, SinkQueueWithCancel<LiveEvent>> run(Source<LiveEvent, FeedControl> s) {
    return s.toMat(Sink.queue(), Keep.both()).run(testKit.system());
  }

  private static LiveEvent pull(SinkQueueWithCancel<LiveEvent> q) throws Exception {
    Optional<LiveEvent> o = q.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(o).as("an event, not the end of the stream").isPresent();
    return o.get();
  }

  private static Mutation user(long id, String city) {
    return insert("User", "id", id, "name", "u" + id, "city", city, "age", 30);
  }

  private static Mutation post(long id, long author, int score) {
    return insert("Post", "id", id, "authorId", author, "title", "p" + id, "score", score);
  }

  private static Mutation comment(long id, long post, int likes) {
    return insert("Comment", "id", id, "postId", post, "body", "c" + id, "likes", likes);
  }

  private static Value v(long id) {
    return Value.of(id);
  }

  private static List<Value> ids(List<Row> rows) {
    return rows.stream().map(Row::id).toList();
  }

  @Test
  void startsWithTheResultAtTheCurrentLsn() throws Exception {
    long lsn = commit(user(1, "Rome"), user(2, "Paris"));
    var q = run(live.subscribe(GraphQuery.from("User").build(), 0)).second();
    LiveEvent first = pull(q);
    assertThat(first).isInstanceOf(LiveEvent.Snapshot.class);
    assertThat(first.lsn()).isEqualTo(lsn);
    assertThat(((LiveEvent.Snapshot) first).result().root().ids()).containsExactly(v(1), v(2));
  }

  @Test
  void changeSetsThatDoNotAffectTheResultProduceNoEvent() throws Exception {
    commit(
        user(1, "Rome"), user(2, "Berlin"), post(10, 1, 5), insert("Tag", "id", 1L, "label", "t"));
    GraphQuery rome =
        GraphQuery.from("User").where(Filter.eq("city", "Rome")).include("posts").build();
    var q = run(live.subscribe(rome, 0)).second();
    LiveView view = new LiveView().apply(pull(q));
    commit(insert("Note", "id", 1L, "text", "unrelated entity"));
    commit(comment(100, 10, 1)); // Comment is not read by the query
    commit(update("Tag", 1, "label", "x"), insert("Note", "id", 2L, "text", "n"));
    commit(update("User", 2, "name", "renamed")); // read, but not in the result
    commit(post(11, 2, 9)); // a post of a user outside the result
    long rename = commit(update("User", 1, "name", "ann"));
    LiveEvent e = pull(q);
    assertThat(e.lsn()).as("the first change set that changed the result").isEqualTo(rename);
    Delta d = (Delta) e;
    assertThat(d.entered()).isEmpty();
    assertThat(d.left()).isEmpty();
    assertThat(d.children()).isEmpty();
    assertThat(d.rootOrder()).isNull();
    assertThat(d.changed()).hasSize(1);
    assertThat(d.changed().get(0).fields()).containsEntry("name", Value.of("ann"));
    view.apply(e);
    assertThat(view.root().get(0).fields().get("name")).isEqualTo(Value.of("ann"));
  }

  /**
   * A post's tags ordered by their rank on it, a link field of the edge: changing a rank the result
   * reads re-runs the query and the delta carries the post's new child list with its ranks;
   * changing the rank of an edge of a post outside the result does nothing.
   */
  @Test
  void aChangedLinkFieldReachesTheSubscriberWithTheChildList() throws Exception {
    commit(
        user(1, "Rome"),
        post(10, 1, 5),
        post(11, 1, 1),
        insert("Tag", "id", 1L, "label", "a"),
        insert("Tag", "id", 2L, "label", "b"),
        insert("PostTag", "id", 100L, "postId", 10L, "tagId", 1L, "rank", 1),
        insert("PostTag", "id", 101L, "postId", 10L, "tagId", 2L, "rank", 2),
        insert("PostTag", "id", 102L, "postId", 11L, "tagId", 1L, "rank", 7));
    GraphQuery q =
        GraphQuery.from("Post")
            .where(Filter.cmp("score", Filter.Op.GE, 3))
            .include(
                Include.of("tags")
                    .select("label", Include.link("rank"))
                    .orderBy(OrderSpec.asc(Include.link("rank"))))
            .build();
    var events = run(live.subscribe(q, 0)).second();
    LiveView view = new LiveView().apply(pull(events));
    assertThat(view.children("tags", v(10))).containsExactly(v(1), v(2));

    commit(update("PostTag", 102, "rank", 0)); // post 11 is not in the result
    long swap = commit(update("PostTag", 100, "rank", 3));
    LiveEvent e = pull(events);
    assertThat(e.lsn()).isEqualTo(swap);
    Delta d = (Delta) e;
    assertThat(d.children())
        .containsExactly(
            new Children(
                "tags",
                v(10),
                List.of(v(2), v(1)),
                null,
                Map.of("rank", List.of(Value.of(2), Value.of(3)))));
    view.apply(d);
    assertThat(view.toMaps())
        .containsExactly(
            Map.of(
                "id",
                10L,
                "authorId",
                1L,
                "title",
                "p10",
                "score",
                5,
                "tags",
                List.of(Map.of("label", "b", "@rank", 2), Map.of("label", "a", "@rank", 3))));

    // the same order, another rank: still a change of the result
    long same = commit(update("PostTag", 101, "rank", 1));
    Delta again = (Delta) pull(events);
    assertThat(again.lsn()).isEqualTo(same);
    assertThat(again.children().get(0).links())
        .containsEntry("rank", List.of(Value.of(1), Value.of(3)));
  }

  @Test
  void aRowThatStopsMatchingTheFilterLeavesWithItsChildren() throws Exception {
    commit(user(1, "Rome"), user(2, "Rome"), post(10, 1, 5), post(11, 1, 6));
    GraphQuery rome =
        GraphQuery.from("User").where(Filter.eq("city", "Rome")).include("posts").build();
    var q = run(live.subscribe(rome, 0)).second();
    LiveView view = new LiveView().apply(pull(q));
    assertThat(view.children("posts", v(1))).containsExactly(v(10), v(11));
    long moved = commit(update("User", 1, "city", "Paris"));
    Delta d = (Delta) pull(q);
    assertThat(d.lsn()).isEqualTo(moved);
    assertThat(d.left())
        .containsExactlyInAnyOrder(
            new RowKey("", v(1)), new RowKey("posts", v(10)), new RowKey("posts", v(11)));
    assertThat(d.rootOrder()).containsExactly(v(2));
    view.apply(d);
    assertThat(ids(view.root())).containsExactly(v(2));
    assertThat(view.rows("posts")).isEmpty();
    assertThat(view.state()).isEqualTo(LiveView.of(store.query(rome)).state());

    long back = commit(update("User", 1, "city", "Rome"));
    Delta d2 = (Delta) pull(q);
    assertThat(d2.lsn()).isEqualTo(back);
    assertThat(d2.entered())
        .extracting(Row::key)
        .containsExactlyInAnyOrder(
            new RowKey("", v(1)), new RowKey("posts", v(10)), new RowKey("posts", v(11)));
    assertThat(d2.children())
        .containsExactly(new Children("posts", v(1), List.of(v(10), v(11)), null));
    view.apply(d2);
    assertThat(view.toMaps()).hasSize(2);
    assertThat(view.state()).isEqualTo(LiveView.of(store.query(rome)).state());
  }

  @Test
  void aRowPushedOutByTheRootLimitLeaves() throws Exception {
    commit(user(1, "Rome"), post(10, 1, 5), post(11, 1, 4), post(12, 1, 3));
    GraphQuery top2 = GraphQuery.from("Post").orderBy(OrderSpec.desc("score")).limit(2).build();
    var q = run(live.subscribe(top2, 0)).second();
    LiveView view = new LiveView().apply(pull(q));
    assertThat(ids(view.root())).containsExactly(v(10), v(11));
    assertThat(view.hasMore()).isTrue();
    long lsn = commit(post(13, 1, 9));
    Delta d = (Delta) pull(q);
    assertThat(d.lsn()).isEqualTo(lsn);
    assertThat(d.entered()).extracting(Row::id).containsExactly(v(13));
    assertThat(d.left()).containsExactly(new RowKey("", v(11)));
    assertThat(d.rootOrder()).containsExactly(v(13), v(10));
    view.apply(d);
    assertThat(ids(view.root())).containsExactly(v(13), v(10));
    // deleting a row of the page pulls the next one back in
    long del = commit(delete("Post", 13));
    Delta d2 = (Delta) pull(q);
    assertThat(d2.lsn()).isEqualTo(del);
    assertThat(d2.left()).containsExactly(new RowKey("", v(13)));
    assertThat(d2.entered()).extracting(Row::id).containsExactly(v(11));
    view.apply(d2);
    assertThat(view.state()).isEqualTo(LiveView.of(store.query(top2)).state());
  }

  @Test
  void aChildPushedOutByAPerParentLimitLeavesAndMovedChildrenChangeBothParents() throws Exception {
    commit(user(1, "Rome"), user(2, "Rome"), post(10, 1, 5), post(20, 2, 1));
    GraphQuery best =
        GraphQuery.from("User")
            .include(
                new Include(
                    "posts",
                    List.of(),
                    null,
                    List.of(OrderSpec.desc("score")),
                    Pagination.limit(1)))
            .build();
    var q = run(live.subscribe(best, 0)).second();
    LiveView view = new LiveView().apply(pull(q));
    assertThat(view.children("posts", v(1))).containsExactly(v(10));
    long lsn = commit(post(11, 1, 8));
    Delta d = (Delta) pull(q);
    assertThat(d.lsn()).isEqualTo(lsn);
    assertThat(d.entered()).extracting(Row::key).containsExactly(new RowKey("posts", v(11)));
    assertThat(d.left()).containsExactly(new RowKey("posts", v(10)));
    assertThat(d.children()).hasSize(1);
    assertThat(d.children().get(0).childIds()).containsExactly(v(11));
    assertThat(d.children().get(0).nextCursor()).as("the parent's page is cut").isNotNull();
    view.apply(d);
    // the best post moves to user 2: user 1's list falls back to post 10, user 2's becomes post 11
    long move = commit(update("Post", 11, "authorId", 2L));
    Delta m = (Delta) pull(q);
    assertThat(m.lsn()).isEqualTo(move);
    assertThat(m.children())
        .extracting(Children::parentId, Children::childIds)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(v(1), List.of(v(10))),
            org.assertj.core.groups.Tuple.tuple(v(2), List.of(v(11))));
    assertThat(m.changed()).extracting(Row::id).containsExactly(v(11));
    assertThat(m.left()).containsExactly(new RowKey("posts", v(20)));
    view.apply(m);
    assertThat(view.state()).isEqualTo(LiveView.of(store.query(best)).state());
    assertThat(view.toMaps())
        .isEqualTo(io.ormdb.protocol.result.ResultObjects.toMaps(store.query(best)));
  }

  @Test
  void resumesFromTheLastAppliedLsn() throws Exception {
    Random rnd = new Random(42);
    BlogWorkload work = new BlogWorkload(rnd);
    GraphQuery query = work.queries().get(0);
    store.commit(work.initial());
    LiveView view = new LiveView();
    long from = 0;
    int resumed = 0;
    for (int round = 0; round < 6; round++) {
      var run = run(live.subscribe(query, from));
      LiveEvent first = pull(run.second());
      assertThat(first).isInstanceOf(LiveEvent.Snapshot.class);
      if (from > 0) {
        assertThat(first.lsn()).isEqualTo(from);
        assertThat(LiveView.of(((LiveEvent.Snapshot) first).result()).state())
            .as("the snapshot at the resume LSN is what the subscriber already has")
            .isEqualTo(view.state());
        resumed++;
      }
      view.apply(first);
      // the changes committed while disconnected arrive first (as one delta)
      assertThat(catchUp(query, view, run.second(), store.currentLsn())).isLessThanOrEqualTo(1);
      // then commit until a few more events arrived live, and disconnect
      int applied = 0;
      while (applied < 5) {
        long lsn = store.commit(work.next()).lsn();
        if (catchUp(query, view, run.second(), lsn) > 0) {
          applied++;
        }
      }
      run.first().stop();
      for (int i = 0; i < 20; i++) {
        store.commit(work.next());
      }
      from = view.lsn();
    }
    var last = run(live.subscribe(query, from));
    view.apply(pull(last.second()));
    long end = store.currentLsn();
    catchUp(query, view, last.second(), end);
    last.first().stop();
    assertThat(resumed).isEqualTo(5);
    assertThat(view.state())
        .isEqualTo(LiveQueryInvariantTest.expectedAt(store, query, end).state());
  }

  /**
   * Applies events until the view equals the query's result as of {@code upTo}, checking that each
   * follows the view's LSN, is not past {@code upTo}, changes the view and leaves it equal to the
   * query's result as of its own LSN; how many arrived.
   */
  private int catchUp(GraphQuery query, LiveView view, SinkQueueWithCancel<LiveEvent> q, long upTo)
      throws Exception {
    LiveView.State want = LiveQueryInvariantTest.expectedAt(store, query, upTo).state();
    int n = 0;
    while (!view.state().equals(want)) {
      LiveEvent e = pull(q);
      assertThat(e.lsn()).isGreaterThan(view.lsn()).isLessThanOrEqualTo(upTo);
      LiveView.State before = view.state();
      view.apply(e);
      assertThat(view.state()).as("a delta changes the result").isNotEqualTo(before);
      assertThat(view.state())
          .isEqualTo(LiveQueryInvariantTest.expectedAt(store, query, e.lsn()).state());
      n++;
    }
    return n;
  }

  @Test
  void aResumeNeedsTheHistoryOnlyAndOutsideItFailsWithInvalidLsn() throws Exception {
    store.close();
    // history kept, changelog not: the snapshot at the resume LSN, then one delta to the newest
    open(StoreConfig.of(dir).withChangelogRetention(Duration.ZERO));
    for (int i = 1; i <= 4; i++) {
      commit(user(i, "Rome"));
    }
    store.compact();
    assertThat(store.oldestChangelogLsn()).isGreaterThan(3);
    GraphQuery users = GraphQuery.from("User").build();
    var resumed = run(live.subscribe(users, 2)).second();
    LiveEvent first = pull(resumed);
    assertThat(first).isInstanceOf(LiveEvent.Snapshot.class);
    assertThat(first.lsn()).isEqualTo(2);
    LiveView view = new LiveView().apply(first);
    assertThat(view.root()).extracting(Row::id).containsExactly(v(1), v(2));
    LiveEvent catchUp = pull(resumed);
    assertThat(catchUp.lsn()).isEqualTo(store.currentLsn());
    assertThat(((Delta) catchUp).entered()).extracting(Row::id).containsExactly(v(3), v(4));
    view.apply(catchUp);
    assertThat(view.state()).isEqualTo(LiveView.of(store.query(users)).state());
    // the newest LSN is always resumable
    var ok = run(live.subscribe(users, store.currentLsn())).second();
    assertThat(pull(ok).lsn()).isEqualTo(store.currentLsn());

    store.close();
    // neither history nor changelog kept: the as-of read itself is refused
    open(
        StoreConfig.of(dir)
            .withRetention(Duration.ZERO, Duration.ZERO)
            .withChangelogRetention(Duration.ZERO));
    commit(user(5, "Rome"));
    commit(user(6, "Rome"));
    store.compact();
    OrmDbException gone = failure(live.subscribe(users, 2));
    assertThat(gone.code()).isEqualTo(ErrorCode.INVALID_LSN);
    assertThat(gone.getMessage())
        .contains("lsn 2 is not available")
        .contains("oldest available LSN");
    OrmDbException future = failure(live.subscribe(users, store.currentLsn() + 5));
    assertThat(future.code()).as("a future LSN").isEqualTo(ErrorCode.INVALID_LSN);
    assertThat(future.getMessage()).contains("past the newest commit");
  }

  private OrmDbException failure(Source<LiveEvent, FeedControl> s) throws Exception {
    var f = s.runWith(Sink.seq(), testKit.system()).toCompletableFuture();
    ExecutionException e =
        catchThrowableOfType(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
    assertThat(e).as("the stream fails").isNotNull();
    assertThat(e.getCause()).isInstanceOf(OrmDbException.class);
    return (OrmDbException) e.getCause();
  }

  @Test
  void aQueryWithItsOwnAsOfLsnIsRefused() {
    GraphQuery q = GraphQuery.from("User").readOptions(ReadOptions.asOf(3)).build();
    assertThatThrownBy(() -> live.subscribe(q, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("pass it as fromLsn");
  }

  @Test
  void entitiesReadIncludeTargetsAndManyToManyEdges() {
    GraphQuery q = GraphQuery.from("Comment").include("post").include("post.tags").build();
    assertThat(ReadSet.of(Blog.schema(), q, Map.of()).entities())
        .containsExactlyInAnyOrder("Comment", "Post", "Tag", "PostTag");
  }
}

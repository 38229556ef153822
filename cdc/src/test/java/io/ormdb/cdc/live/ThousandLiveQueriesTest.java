package io.ormdb.cdc.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.feed.FeedSettings;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * 1,000 live queries over one database: after every round, each subscriber's view equals its
 * query's result as of the round's LSN; subscribers of equal queries share one evaluation.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ThousandLiveQueriesTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  private static final int SUBSCRIPTIONS = 1_000;
  private static final int ROUNDS = 15;

  private record Sub(
      GraphQuery query,
      FeedControl control,
      SinkQueueWithCancel<LiveEvent> events,
      LiveView view) {}

  /** A random query of one of five shapes, from small parameter ranges (so some repeat). */
  private static GraphQuery query(Random rnd) {
    return switch (rnd.nextInt(5)) {
      case 0 ->
          GraphQuery.from("User")
              .where(Filter.eq("city", BlogWorkload.CITIES[rnd.nextInt(3)]))
              .orderBy(OrderSpec.asc("name"))
              .build();
      case 1 ->
          GraphQuery.from("User")
              .where(Filter.cmp("age", Filter.Op.GE, 20 + rnd.nextInt(40)))
              .include("posts")
              .build();
      case 2 ->
          GraphQuery.from("Post")
              .where(Filter.cmp("score", Filter.Op.GE, rnd.nextInt(10)))
              .orderBy(OrderSpec.desc("score"))
              .limit(1 + rnd.nextInt(5))
              .build();
      case 3 ->
          GraphQuery.from("Comment")
              .where(Filter.cmp("likes", Filter.Op.GE, rnd.nextInt(10)))
              .include("post")
              .build();
      default ->
          GraphQuery.from("Post")
              .where(Filter.eq("authorId", 1000L + rnd.nextInt(12)))
              .include("comments")
              .include("tags")
              .build();
    };
  }

  @Test
  void aThousandLiveQueriesOverOneDatabaseStayExact() throws Exception {
    long seed = Long.getLong("ormdb.live.seed", System.nanoTime());
    try {
      run(seed);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("1,000 live queries failed with -Dormdb.live.seed=" + seed, e);
    }
  }

  private void run(long seed) throws Exception {
    Random rnd = new Random(seed);
    BlogWorkload work = new BlogWorkload(rnd);
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(Blog.schema());
      store.commit(work.initial());
      StepExecutor rounds = new StepExecutor();
      LiveQueries live =
          new LiveQueries(store, rounds, new FeedSettings(64, "unused"), LiveSettings.DEFAULT);
      List<Sub> subs = new ArrayList<>();
      for (int i = 0; i < SUBSCRIPTIONS; i++) {
        GraphQuery q = query(rnd);
        Pair<FeedControl, SinkQueueWithCancel<LiveEvent>> run =
            live.subscribe(q, 0).toMat(Sink.queue(), Keep.both()).run(testKit.system());
        subs.add(new Sub(q, run.first(), run.second(), new LiveView()));
      }
      int distinct = new HashSet<>(subs.stream().map(Sub::query).toList()).size();
      long at = store.currentLsn();
      Map<GraphQuery, LiveView.State> want = expected(store, subs, at);
      for (Sub s : subs) {
        LiveEvent first = rounds.runUntil(s.events().pull().toCompletableFuture()).orElseThrow();
        assertThat(first).isInstanceOf(LiveEvent.Snapshot.class);
        assertThat(first.lsn()).isEqualTo(at);
        s.view().apply(first);
        assertThat(s.view().state()).isEqualTo(want.get(s.query()));
      }
      assertThat(live.stats().subscriptions()).isEqualTo(SUBSCRIPTIONS);
      assertThat(live.stats().queries()).as("equal queries share").isEqualTo(distinct);
      assertThat(live.stats().queryRuns())
          .as("one first run per distinct query")
          .isEqualTo(distinct);

      int deltas = 0;
      for (int round = 0; round < ROUNDS; round++) {
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
          store.commit(work.next());
        }
        if (store.currentLsn() == live.hub().lsn()) {
          continue;
        }
        rounds.round();
        at = store.currentLsn();
        Map<GraphQuery, LiveView.State> before = want;
        want = expected(store, subs, at);
        for (Sub s : subs) {
          if (want.get(s.query()).equals(before.get(s.query()))) {
            continue;
          }
          LiveEvent e = LiveQueryInvariantTest.pull(s.events()); // handed out by the round
          assertThat(e).isInstanceOf(LiveEvent.Delta.class);
          assertThat(e.lsn()).isEqualTo(at);
          s.view().apply(e);
          assertThat(s.view().state()).as("%s at %d", s.query(), at).isEqualTo(want.get(s.query()));
          deltas++;
        }
      }
      LiveQueries.Stats stats = live.stats();
      System.out.printf(
          "1,000 live queries: seed %d, %d distinct, %d deltas checked, %s%n",
          seed, distinct, deltas, stats);
      assertThat(deltas).isPositive();
      assertThat(stats.queryRuns())
          .as("at most one run per distinct query and round")
          .isLessThanOrEqualTo((long) distinct * (stats.rounds() + 1));
      assertThat(stats.overflows()).isZero();
      for (Sub s : subs) {
        s.control().stop();
      }
    }
  }

  private static Map<GraphQuery, LiveView.State> expected(
      OrmStore store, List<Sub> subs, long lsn) {
    Map<GraphQuery, LiveView.State> out = new HashMap<>();
    for (Sub s : subs) {
      out.computeIfAbsent(s.query(), q -> LiveQueryInvariantTest.expectedAt(store, q, lsn).state());
    }
    return out;
  }
}

package io.ormdb.cdc.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.feed.FeedSettings;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The live query invariant on random workloads: every event a subscriber receives brings its view
 * to exactly the query's result as of the event's LSN, a delta changes the view, and the view
 * reaches the newest result.
 *
 * <p>With rounds run when the test says so, it also pins down read-set filtering, in-place edits,
 * coalescing and sharing: after a round at LSN T, a subscriber whose result changed gets exactly
 * one delta, at T (however many change sets the round covered), the others nothing, and the hub ran
 * fewer queries than rounds × queries. With the real dispatcher and a concurrent writer, the same
 * invariant holds while subscribers tail, fall behind and catch up. The schema has computed fields,
 * which some queries filter, order and return (change events do not carry the virtual ones).
 * Batches: {@code -Dormdb.live.batches} (default 600); seed: {@code -Dormdb.live.seed}.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveQueryInvariantTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path dir;

  /** One subscription and what the test knows about it. */
  private static final class Sub {
    final GraphQuery query;
    final Map<String, Value> attributes;
    final FeedControl control;
    final SinkQueueWithCancel<LiveEvent> events;
    final LiveView view = new LiveView();
    LiveView.State expected;
    CompletableFuture<Optional<LiveEvent>> next;
    int deltas;

    Sub(
        GraphQuery query,
        Map<String, Value> attributes,
        Pair<FeedControl, SinkQueueWithCancel<LiveEvent>> run) {
      this.query = query;
      this.attributes = attributes;
      this.control = run.first();
      this.events = run.second();
    }
  }

  @Test
  void eachRoundDeliversOneExactDeltaAtItsLsnToTheSubscribersWhoseResultChanged() throws Exception {
    long seed = Long.getLong("ormdb.live.seed", System.nanoTime());
    int batches = Integer.getInteger("ormdb.live.batches", 600);
    try {
      stepwise(seed, batches);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("live query invariant failed with -Dormdb.live.seed=" + seed, e);
    }
  }

  @Test
  void everyEventIsExactAtItsLsnWhileAWriterCommitsConcurrently() throws Exception {
    long seed = Long.getLong("ormdb.live.seed", System.nanoTime());
    int batches = Integer.getInteger("ormdb.live.batches", 600);
    try {
      concurrent(seed, batches);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("live query invariant failed with -Dormdb.live.seed=" + seed, e);
    }
  }

  /** The workload's queries, one with a session attribute in its filter; two subscribers each. */
  private List<Sub> subscribe(LiveQueries live, BlogWorkload work) {
    List<Pair<GraphQuery, Map<String, Value>>> qs = new ArrayList<>();
    for (GraphQuery q : work.queries()) {
      qs.add(Pair.create(q, Map.of()));
    }
    for (GraphQuery q : work.computedQueries()) {
      qs.add(Pair.create(q, Map.of()));
    }
    qs.add(
        Pair.create(
            GraphQuery.from("User")
                .where(new Filter.AttrCompare("city", Filter.Op.EQ, "user.city"))
                .include("posts")
                .build(),
            Map.of("user.city", Value.of("Rome"))));
    List<Sub> subs = new ArrayList<>();
    for (int copy = 0; copy < 2; copy++) {
      for (Pair<GraphQuery, Map<String, Value>> q : qs) {
        subs.add(
            new Sub(
                q.first(),
                q.second(),
                live.subscribe(q.first(), 0, q.second())
                    .toMat(Sink.queue(), Keep.both())
                    .run(testKit.system())));
      }
    }
    return subs;
  }

  private void stepwise(long seed, int batches) throws Exception {
    Random rnd = new Random(seed);
    BlogWorkload work = new BlogWorkload(rnd);
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir.resolve("stepwise")))) {
      store.applySchema(Blog.withComputed());
      StepExecutor rounds = new StepExecutor();
      LiveQueries live =
          new LiveQueries(
              store, rounds, new FeedSettings(1 + rnd.nextInt(8), "unused"), new LiveSettings(2));
      store.commit(work.initial());
      List<Sub> subs = subscribe(live, work);
      for (Sub s : subs) {
        LiveEvent first = rounds.runUntil(s.events.pull().toCompletableFuture()).orElseThrow();
        assertThat(first).isInstanceOf(LiveEvent.Snapshot.class);
        assertThat(first.lsn()).isEqualTo(store.currentLsn());
        s.view.apply(first);
        s.expected = expectedAt(store, s.query, s.attributes, first.lsn()).state();
        assertThat(s.view.state()).isEqualTo(s.expected);
      }
      assertThat(live.stats().queries())
          .as("two subscribers share each query")
          .isEqualTo(subs.size() / 2);
      int committed = 1;
      int roundsRun = 0;
      long checked = 0;
      long runsBefore = live.stats().queryRuns();
      while (committed < batches) {
        // a round covers one change set or several: live tailing and catching up
        int n = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 12 : 3);
        for (int i = 0; i < n && committed < batches; i++) {
          if (store.commit(work.next()).lsn() > 0) {
            committed++;
          }
        }
        if (store.currentLsn() == live.hub().lsn()) {
          continue; // the batches changed nothing: no commit, no round
        }
        rounds.round();
        roundsRun++;
        long at = store.currentLsn();
        assertThat(live.hub().lsn()).isEqualTo(at);
        Map<Pair<GraphQuery, Map<String, Value>>, LiveView> wanted = new HashMap<>();
        for (Sub s : subs) {
          LiveView want =
              wanted.computeIfAbsent(
                  Pair.create(s.query, s.attributes),
                  k -> expectedAt(store, s.query, s.attributes, at));
          if (want.state().equals(s.expected)) {
            continue; // the result did not change in this round: no event
          }
          LiveEvent e = rounds.runUntil(s.events.pull().toCompletableFuture()).orElseThrow();
          assertThat(e).as("event for %s", s.query).isInstanceOf(LiveEvent.Delta.class);
          assertThat(e.lsn()).as("one delta at the round's LSN").isEqualTo(at);
          s.view.apply(e);
          s.expected = want.state();
          assertThat(s.view.state()).as("view at lsn %d", at).isEqualTo(s.expected);
          assertThat(s.view.toMaps()).isEqualTo(want.toMaps());
          s.deltas++;
          checked++;
        }
      }
      LiveQueries.Stats stats = live.stats();
      for (Sub s : subs) {
        assertThat(s.control.maxBuffered()).as("one delta per round").isLessThanOrEqualTo(1);
        s.control.stop();
        assertThat(s.deltas).as("deltas of %s", s.query).isPositive();
      }
      System.out.printf(
          "live query invariant (rounds): seed %d, %d batches in %d rounds, %d deltas checked,"
              + " %s%n",
          seed, committed, roundsRun, checked, stats);
      assertThat(checked).isGreaterThan(roundsRun / 2);
      assertThat(stats.skipped()).as("change sets skipped by the row-level rules").isPositive();
      assertThat(stats.incrementalUpdates()).as("deltas made in place").isPositive();
      assertThat(stats.queryRuns() - runsBefore)
          .as("queries run: fewer than one per query and round")
          .isLessThan((long) roundsRun * stats.queries());
      assertThat(stats.overflows()).isZero();
    }
  }

  private void concurrent(long seed, int batches) throws Exception {
    Random rnd = new Random(seed);
    BlogWorkload work = new BlogWorkload(rnd);
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir.resolve("concurrent")))) {
      store.applySchema(Blog.withComputed());
      LiveQueries live = LiveQueries.create(testKit.system(), store);
      store.commit(work.initial());
      List<Sub> subs = subscribe(live, work);
      for (Sub s : subs) {
        s.next = s.events.pull().toCompletableFuture();
      }
      long[] checked = new long[1];
      AtomicReference<Throwable> writerFailed = new AtomicReference<>();
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int i = 1; i < batches; i++) {
                    store.commit(work.next());
                  }
                } catch (Throwable t) {
                  writerFailed.set(t);
                }
              },
              "live-invariant-writer");
      writer.start();
      Map<Pair<GraphQuery, Map<String, Value>>, LiveView.State> done = new HashMap<>();
      await()
          .atMost(Duration.ofMinutes(3))
          .pollInterval(Duration.ofMillis(1))
          .until(
              () -> {
                for (Sub s : subs) {
                  while (s.next.isDone()) {
                    check(store, s, s.next.get().orElseThrow());
                    checked[0]++;
                    s.next = s.events.pull().toCompletableFuture();
                  }
                }
                if (writer.isAlive()) {
                  return false;
                }
                long end = store.currentLsn();
                for (Sub s : subs) {
                  LiveView.State want =
                      done.computeIfAbsent(
                          Pair.create(s.query, s.attributes),
                          k -> expectedAt(store, s.query, s.attributes, end).state());
                  if (!s.view.state().equals(want)) {
                    return false;
                  }
                }
                return true;
              });
      assertThat(writerFailed.get()).isNull();
      for (Sub s : subs) {
        s.control.stop();
        assertThat(s.deltas).as("deltas of %s", s.query).isPositive();
      }
      System.out.printf(
          "live query invariant (concurrent): seed %d, %d batches, %d events checked, %s%n",
          seed, batches, checked[0], live.stats());
    }
  }

  /** Applies one event of a concurrent run and checks the view against the query at its LSN. */
  private static void check(OrmStore store, Sub s, LiveEvent e) {
    if (e instanceof LiveEvent.Snapshot) {
      // the first, or the newest result after the subscriber overflowed
      assertThat(e.lsn()).isGreaterThan(s.view.lsn());
      s.view.apply(e);
    } else {
      assertThat(e.lsn()).as("events in LSN order").isGreaterThan(s.view.lsn());
      LiveView.State before = s.view.state();
      s.view.apply(e);
      assertThat(s.view.state()).as("a delta changes the result").isNotEqualTo(before);
      s.deltas++;
    }
    LiveView want = expectedAt(store, s.query, s.attributes, e.lsn());
    assertThat(s.view.state()).as("view at lsn %d", e.lsn()).isEqualTo(want.state());
    assertThat(s.view.toMaps()).isEqualTo(want.toMaps());
  }

  static LiveView expectedAt(OrmStore store, GraphQuery q, long lsn) {
    return expectedAt(store, q, Map.of(), lsn);
  }

  static LiveView expectedAt(
      OrmStore store, GraphQuery q, Map<String, Value> attributes, long lsn) {
    QueryResult r = store.query(asOf(q, lsn), attributes);
    LiveView v = LiveView.of(r);
    assertThat(v.toMaps())
        .as("LiveView renders like ResultObjects")
        .isEqualTo(ResultObjects.toMaps(r));
    return v;
  }

  static GraphQuery asOf(GraphQuery q, long lsn) {
    return new GraphQuery(
        q.rootEntity(),
        q.fields(),
        q.filter(),
        q.orderBy(),
        q.pagination(),
        q.includes(),
        ReadOptions.asOf(lsn));
  }

  static LiveEvent pull(SinkQueueWithCancel<LiveEvent> q) throws Exception {
    Optional<LiveEvent> o = q.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(o).as("an event, not the end of the stream").isPresent();
    return o.get();
  }
}

package io.ormdb.cdc.live;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.cdc.FeedControl;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.ReadOptions;
import io.ormdb.protocol.result.QueryResult;
import io.ormdb.protocol.result.ResultObjects;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
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
 * The live query invariant on random workloads: after applying the events up to LSN x, the
 * subscriber's view equals the query run as of x — and an event arrives exactly at the LSNs where
 * that result changed. Batches: {@code -Dormdb.live.batches} (default 600); seed: {@code
 * -Dormdb.live.seed}.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveQueryInvariantTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path dir;

  /** One subscription and what the test knows about it. */
  private static final class Sub {
    final GraphQuery query;
    final FeedControl control;
    final SinkQueueWithCancel<LiveEvent> events;
    final LiveView view = new LiveView();
    LiveView.State expected;
    int deltas;

    Sub(GraphQuery query, Pair<FeedControl, SinkQueueWithCancel<LiveEvent>> run) {
      this.query = query;
      this.control = run.first();
      this.events = run.second();
    }
  }

  @Test
  void viewEqualsTheQueryAtEveryEventLsn() throws Exception {
    long seed = Long.getLong("ormdb.live.seed", System.nanoTime());
    int batches = Integer.getInteger("ormdb.live.batches", 600);
    try {
      run(seed, batches);
    } catch (AssertionError | Exception e) {
      throw new AssertionError("live query invariant failed with -Dormdb.live.seed=" + seed, e);
    }
  }

  private void run(long seed, int batches) throws Exception {
    Random rnd = new Random(seed);
    BlogWorkload work = new BlogWorkload(rnd);
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(Blog.schema());
      LiveQueries live = LiveQueries.create(testKit.system(), store);
      List<Sub> subs = new ArrayList<>();
      for (GraphQuery q : work.queries()) {
        Sub s =
            new Sub(q, live.subscribe(q, 0).toMat(Sink.queue(), Keep.both()).run(testKit.system()));
        LiveEvent first = pull(s);
        assertThat(first).isInstanceOf(LiveEvent.Snapshot.class);
        assertThat(first.lsn()).isEqualTo(store.currentLsn());
        s.view.apply(first);
        s.expected = expectedAt(store, q, first.lsn()).state();
        assertThat(s.view.state()).isEqualTo(s.expected);
        subs.add(s);
      }
      int committed = 0;
      long checked = 0;
      List<Long> round = new ArrayList<>();
      round.add(commit(store, work.initial()));
      committed++;
      while (committed < batches || !round.isEmpty()) {
        // commit a few batches, then let every subscriber catch up: a mix of live tailing and
        // catching up over several change sets
        int n = committed < batches ? 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 12 : 3) : 0;
        for (int i = 0; i < n && committed < batches; i++) {
          long lsn = commit(store, work.next());
          if (lsn > 0) {
            round.add(lsn);
            committed++;
          }
        }
        for (Sub s : subs) {
          for (long x : round) {
            LiveView want = expectedAt(store, s.query, x);
            if (want.state().equals(s.expected)) {
              continue; // the result did not change at x: no event
            }
            LiveEvent e = pull(s);
            assertThat(e)
                .as("event for %s", s.query.rootEntity())
                .isInstanceOf(LiveEvent.Delta.class);
            assertThat(e.lsn())
                .as("the next event is at the next LSN that changed the result")
                .isEqualTo(x);
            s.view.apply(e);
            s.expected = want.state();
            assertThat(s.view.state()).as("view at lsn %d", x).isEqualTo(s.expected);
            assertThat(s.view.toMaps()).isEqualTo(want.toMaps());
            s.deltas++;
            checked++;
          }
        }
        round.clear();
      }
      for (Sub s : subs) {
        assertThat(s.control.maxBuffered()).as("one event buffered at most").isLessThanOrEqualTo(1);
        s.control.stop();
        assertThat(s.deltas).as("deltas of %s", s.query).isPositive();
      }
      System.out.printf(
          "live query invariant: seed %d, %d batches, %d deltas checked (%s)%n",
          seed, committed, checked, subs.stream().map(s -> String.valueOf(s.deltas)).toList());
      assertThat(checked).isGreaterThan(batches / 2);
    }
  }

  static LiveView expectedAt(OrmStore store, GraphQuery q, long lsn) {
    QueryResult r = store.query(asOf(q, lsn));
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

  private static long commit(OrmStore store, MutationBatch b) {
    return store.commit(b).lsn();
  }

  private static LiveEvent pull(Sub s) throws Exception {
    Optional<LiveEvent> o = s.events.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(o).as("an event, not the end of the stream").isPresent();
    return o.get();
  }
}

package io.ormdb.bench.systems;

import io.ormdb.bench.driver.ChildLoop;
import io.ormdb.bench.driver.Driver.ChangeTiming;
import io.ormdb.bench.driver.Workload;
import io.ormdb.cdc.FeedControl;
import io.ormdb.cdc.feed.ChangeFilter;
import io.ormdb.cdc.live.LiveEvent;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.query.OrderSpec;
import io.ormdb.protocol.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;

/**
 * The {@code live} workload: {@link Workload#LIVE_QUERIES} live queries ({@code OrmDb.liveQuery}),
 * each over a range of {@link Workload#LIVE_ROWS_PER_QUERY} {@code Event} rows of its own, while
 * writers update those rows at {@link Workload#LIVE_COMMITS_PER_SECOND} in total, paced, one row
 * per commit ({@code OrmStore.commit}, as the {@code changes} workload). Every commit is relevant
 * to exactly one live query: the workload measures how a node finds the few queries a change set
 * concerns, not 100 re-runs per commit. Variant {@code feed} runs the same writers with the push
 * feed ({@code OrmDb.changes}) as the only subscriber instead, for comparison.
 *
 * <p>What is timed: from the start of each commit call to the moment a subscriber receives an
 * update that shows it — for every commit, also when a live query coalesces several commits into
 * one update (the newest value shows the older ones too). Each commit writes {@code "<run>:<seq>"}
 * into its row's {@code payload}; a writer owns its rows, so the commits of one row form a chain
 * (each remembers the row's previous one) that the subscriber walks back from the value it receives
 * to the last one it had, recording each commit's latency. Commits still unseen when the wait after
 * the writers ends runs out are recorded with their latency until then (a lower bound) and counted
 * in {@code updatesMissing}.
 */
final class LiveQueryLoad {
  /** How long the subscribers may take to catch up after the writers stop. */
  private static final long CATCH_UP_NANOS = TimeUnit.SECONDS.toNanos(30);

  private static final int ROWS = Workload.LIVE_QUERIES * Workload.LIVE_ROWS_PER_QUERY;

  private final OrmDb db;
  private final ActorSystem<?> system;
  private final long firstId;
  private int runs;

  private LiveQueryLoad(OrmDb db, ActorSystem<?> system, long firstId) {
    this.db = db;
    this.system = system;
    this.firstId = firstId;
  }

  /** Inserts the rows the live queries watch: {@code firstId} and the ids after it. */
  static LiveQueryLoad create(OrmDb db, ActorSystem<?> system, long firstId) {
    List<Mutation> rows = new ArrayList<>(ROWS);
    for (int i = 0; i < ROWS; i++) {
      rows.add(
          new Mutation.Insert(
              "Event",
              Map.of(
                  "id", Value.of(firstId + i), "writer", Value.of(0), "payload", Value.of("-"))));
    }
    db.store().commit(new MutationBatch(rows));
    return new LiveQueryLoad(db, system, firstId);
  }

  /** The live query of number {@code k}: its rows' range of ids, in id order. */
  GraphQuery query(int k) {
    long from = firstId + (long) k * Workload.LIVE_ROWS_PER_QUERY;
    return GraphQuery.from("Event")
        .where(
            Filter.and(
                Filter.cmp("id", Filter.Op.GE, from),
                Filter.cmp("id", Filter.Op.LT, from + Workload.LIVE_ROWS_PER_QUERY)))
        .orderBy(OrderSpec.asc("id"))
        .build();
  }

  ChangeTiming run(String variant, int writers, long millis) throws Exception {
    boolean feed;
    if (variant.isEmpty()) {
      feed = false;
    } else if (variant.equals("feed")) {
      feed = true;
    } else {
      throw new UnsupportedOperationException("no '" + variant + "' live workload");
    }
    Run r = new Run(++runs, writers, millis);
    List<FeedControl> subscriptions = feed ? r.subscribeFeed() : r.subscribeLiveQueries();
    try {
      r.write();
      r.awaitCatchUp();
    } finally {
      subscriptions.forEach(FeedControl::stop);
    }
    return r.timing(feed);
  }

  /** One repetition: its commits, their chains, and what the subscribers have seen. */
  private final class Run {
    private final String prefix;
    private final int writers;
    private final long millis;
    private final int capacity;

    /** Per commit (by sequence number): when its commit call started. */
    private final AtomicLongArray started;

    /** Per commit: the sequence number of the previous commit to the same row, or -1. */
    private final AtomicLongArray previous;

    /** Per row: the last commit written to it and the last one a subscriber has seen, or -1. */
    private final AtomicLongArray written = filled(ROWS);

    private final AtomicLongArray seen = filled(ROWS);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong updates = new AtomicLong();
    private final Histogram latencies = ChildLoop.newHistogram();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private long elapsedNs;
    private long missing;
    private long snapshotNanos;

    Run(int run, int writers, long millis) {
      this.prefix = run + ":";
      this.writers = writers;
      this.millis = millis;
      // pacing keeps the writers at or below the rate: at most one commit per writer ahead
      long most = (long) Workload.LIVE_COMMITS_PER_SECOND * millis / 1000 + 2L * writers + 16;
      this.capacity = (int) Math.min(Integer.MAX_VALUE - 8, most);
      this.started = new AtomicLongArray(capacity);
      this.previous = new AtomicLongArray(capacity);
    }

    /** The live queries, each subscribed as of now; returns once every one has its snapshot. */
    List<FeedControl> subscribeLiveQueries() throws InterruptedException {
      long t0 = System.nanoTime();
      CountDownLatch snapshots = new CountDownLatch(Workload.LIVE_QUERIES);
      List<FeedControl> out = new ArrayList<>();
      for (int k = 0; k < Workload.LIVE_QUERIES; k++) {
        out.add(
            db.liveQuery(query(k), 0)
                .to(
                    Sink.foreach(
                        ev -> {
                          if (ev instanceof LiveEvent.Snapshot) {
                            snapshots.countDown();
                          } else if (ev instanceof LiveEvent.Delta d) {
                            long now = System.nanoTime();
                            updates.incrementAndGet();
                            for (LiveEvent.Row row : d.changed()) {
                              received(row.id(), row.fields().get("payload"), now);
                            }
                            for (LiveEvent.Row row : d.entered()) {
                              received(row.id(), row.fields().get("payload"), now);
                            }
                          }
                        }))
                .run(system));
      }
      if (!snapshots.await(60, TimeUnit.SECONDS)) {
        out.forEach(FeedControl::stop);
        throw new IllegalStateException(
            "only "
                + (Workload.LIVE_QUERIES - snapshots.getCount())
                + " of "
                + Workload.LIVE_QUERIES
                + " live queries delivered their snapshot within 60 s");
      }
      snapshotNanos = System.nanoTime() - t0;
      return out;
    }

    /**
     * The push feed from the next commit on; returns once it has delivered a marker commit, so that
     * the stream's start is not in the measurement.
     */
    List<FeedControl> subscribeFeed() throws InterruptedException {
      long t0 = System.nanoTime();
      CountDownLatch ready = new CountDownLatch(1);
      String marker = prefix + "ready";
      FeedControl control =
          db.changes(db.store().currentLsn() + 1, ChangeFilter.all().withEntities("Event"))
              .to(
                  Sink.foreach(
                      e -> {
                        long now = System.nanoTime();
                        Value p = e.after() == null ? null : e.after().get("payload");
                        if (p != null && marker.equals(p.asString())) {
                          ready.countDown();
                        } else {
                          updates.incrementAndGet();
                          received(e.id(), p, now);
                        }
                      }))
              .run(system);
      db.store()
          .commit(
              MutationBatch.of(
                  new Mutation.Update(
                      "Event", Value.of(firstId), Map.of("payload", Value.of(marker)), 0)));
      if (!ready.await(60, TimeUnit.SECONDS)) {
        control.stop();
        throw new IllegalStateException("the push feed did not deliver a commit within 60 s");
      }
      snapshotNanos = System.nanoTime() - t0;
      return List.of(control);
    }

    /** A subscriber received row {@code id} with {@code payload}: every commit it shows is seen. */
    private void received(Value id, Value payload, long now) {
      if (payload == null || !payload.asString().startsWith(prefix)) {
        return; // the initial value, or a commit of an earlier repetition
      }
      int row = (int) (id.asLong() - firstId);
      long s = Long.parseLong(payload.asString().substring(prefix.length()));
      synchronized (latencies) {
        long last = seen.get(row);
        for (long k = s; k > last; k = previous.get((int) k)) {
          latencies.recordValue(Math.max(1, now - started.get((int) k)));
        }
        seen.set(row, Math.max(s, last));
      }
    }

    /** The paced writers; returns when the last one has stopped. */
    void write() throws Exception {
      long interval = writers * 1_000_000_000L / Workload.LIVE_COMMITS_PER_SECOND;
      long[] ends = new long[writers];
      Thread[] ws = new Thread[writers];
      long start = System.nanoTime() + 1_000_000; // every writer starts at the same moment
      long end = start + millis * 1_000_000L;
      for (int t = 0; t < writers; t++) {
        final int w = t;
        ws[t] =
            new Thread(
                () -> {
                  try {
                    ends[w] = writeRows(w, start, end, interval);
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                  }
                },
                "bench-live-writer-" + t);
        ws[t].start();
      }
      for (Thread t : ws) {
        t.join();
      }
      Throwable f = failure.get();
      if (f != null) {
        throw f instanceof Exception e ? e : new RuntimeException(f);
      }
      long last = start;
      for (long e : ends) {
        last = Math.max(last, e);
      }
      elapsedNs = last - start;
    }

    /**
     * Writer {@code w}: commit n is due at {@code start + n × interval} (a writer behind its
     * schedule commits without waiting until it has caught up), until {@code end}: a writer still
     * behind then stops, so the rate reached shows what the node kept up with. Each commit updates
     * a random row of the ones this writer owns (row mod writers), so the commits of a row are in
     * sequence order.
     */
    private long writeRows(int w, long start, long end, long interval) {
      SplittableRandom random = new SplittableRandom(31L * prefix.hashCode() + w);
      int owned = (ROWS - w + writers - 1) / writers;
      long now = System.nanoTime();
      for (long n = 0; ; n++) {
        long due = start + n * interval;
        if (due >= end || now >= end) {
          return Math.max(now, end);
        }
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(due - now);
        }
        int row = w + writers * random.nextInt(owned);
        long s = sequence.getAndIncrement();
        if (s >= capacity) {
          throw new IllegalStateException("more commits than the pacing allows: " + s);
        }
        previous.set((int) s, written.get(row));
        started.set((int) s, System.nanoTime());
        db.store()
            .commit(
                MutationBatch.of(
                    new Mutation.Update(
                        "Event",
                        Value.of(firstId + row),
                        Map.of("payload", Value.of(prefix + s)),
                        0)));
        written.set(row, s);
        now = System.nanoTime();
      }
    }

    /**
     * Waits until the subscribers have seen every row's last commit, at most {@link
     * #CATCH_UP_NANOS}; what they have not seen by then is recorded with its latency so far.
     */
    void awaitCatchUp() {
      long deadline = System.nanoTime() + CATCH_UP_NANOS;
      while (behind() > 0 && System.nanoTime() < deadline) {
        LockSupport.parkNanos(1_000_000);
      }
      long now = System.nanoTime();
      synchronized (latencies) {
        for (int row = 0; row < ROWS; row++) {
          long last = seen.get(row);
          for (long k = written.get(row); k > last; k = previous.get((int) k)) {
            latencies.recordValue(Math.max(1, now - started.get((int) k)));
            missing++;
          }
          seen.set(row, Math.max(last, written.get(row))); // a late update records nothing more
        }
      }
    }

    private int behind() {
      int n = 0;
      for (int row = 0; row < ROWS; row++) {
        if (seen.get(row) < written.get(row)) {
          n++;
        }
      }
      return n;
    }

    ChangeTiming timing(boolean feed) {
      long commits = sequence.get();
      double rate = elapsedNs <= 0 ? 0 : commits * 1e9 / elapsedNs;
      Map<String, Double> extra = new LinkedHashMap<>();
      extra.put("targetCommitsPerSec", (double) Workload.LIVE_COMMITS_PER_SECOND);
      extra.put("subscribers", (double) (feed ? 1 : Workload.LIVE_QUERIES));
      extra.put("updatesReceived", (double) updates.get());
      extra.put("updatesMissing", (double) missing);
      extra.put("subscribeMs", snapshotNanos / 1e6);
      String measured =
          String.format(
              Locale.ROOT,
              "commit call (OrmStore.commit, %d writers paced to %,d commits/s, %,.0f reached)"
                  + " → %s; %,d commits in %,d updates%s",
              writers,
              Workload.LIVE_COMMITS_PER_SECOND,
              rate,
              feed
                  ? "event received by an OrmDb.changes() subscriber (push feed)"
                  : "update received by the one of "
                      + Workload.LIVE_QUERIES
                      + " OrmDb.liveQuery subscribers whose "
                      + Workload.LIVE_ROWS_PER_QUERY
                      + " rows it changed",
              commits,
              updates.get(),
              missing == 0
                  ? ""
                  : String.format(
                      Locale.ROOT,
                      "; %,d commits not seen %d s after the writers stopped (recorded with their"
                          + " latency until then)",
                      missing,
                      TimeUnit.NANOSECONDS.toSeconds(CATCH_UP_NANOS)));
      synchronized (latencies) {
        return new ChangeTiming(latencies.copy(), commits, measured, elapsedNs, extra);
      }
    }
  }

  private static AtomicLongArray filled(int n) {
    AtomicLongArray a = new AtomicLongArray(n);
    for (int i = 0; i < n; i++) {
      a.set(i, -1);
    }
    return a;
  }
}

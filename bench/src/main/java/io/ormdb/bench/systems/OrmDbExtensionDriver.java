package io.ormdb.bench.systems;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.ormdb.bench.data.Dataset;
import io.ormdb.bench.driver.ChildLoop;
import io.ormdb.bench.driver.Driver;
import io.ormdb.bench.driver.Session;
import io.ormdb.node.embedded.OrmDb;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.result.AggregateResult;
import io.ormdb.protocol.result.QueryResult;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * ORMDB embedded the way an application embeds it: a Pekko ActorSystem with the {@link OrmDb}
 * extension, in two paths. The variant {@code ""} calls the extension's {@code CompletionStage} API
 * ({@code OrmDb.query}, {@code mutate}, {@code aggregate}) and waits for each answer, as a blocking
 * caller would. The variant {@code session} sends every request — queries, aggregates and commits —
 * to a connection actor of the session's own ({@link ConnectionApi}), one per worker thread, as a
 * remote client's requests reach their server-side session. The data is loaded through the
 * extension's store. The {@code live} workload runs here ({@link LiveQueryLoad}).
 */
public final class OrmDbExtensionDriver implements Driver {
  private ActorSystem<Void> system;
  private OrmDb db;
  private final OrmStoreDriver loader =
      new OrmStoreDriver(
          dir -> {
            system =
                ActorSystem.create(
                    Behaviors.empty(),
                    "bench",
                    ConfigFactory.empty()
                        .withValue("ormdb.data-dir", ConfigValueFactory.fromAnyRef(dir.toString()))
                        .withValue("pekko.loglevel", ConfigValueFactory.fromAnyRef("WARNING"))
                        .withFallback(ConfigFactory.load()));
            db = OrmDb.get(system);
            return db.store();
          });

  public static void main(String[] args) {
    ChildLoop.serve(new OrmDbExtensionDriver());
  }

  @Override
  public void load(Dataset data, Path dir) throws Exception {
    loader.load(data, dir);
  }

  @Override
  public Session session(String variant, String conn) {
    if (!"embedded".equals(conn)) {
      throw new UnsupportedOperationException("ORMDB server (TCP) is not built yet");
    }
    if ("session".equals(variant)) {
      // every request through a connection actor of this session's own, as a remote client's
      return new OrmStoreDriver.OrmSession(new ConnectionApi(db.connect(), system.scheduler()));
    }
    return new OrmStoreDriver.OrmSession(
        new OrmStoreDriver.Api() {
          @Override
          public QueryResult query(GraphQuery q) {
            return ConnectionApi.await(db.query(q));
          }

          @Override
          public MutationResult commit(MutationBatch batch) {
            return ConnectionApi.await(db.mutate(batch));
          }

          @Override
          public CompletionStage<MutationResult> commitAsync(MutationBatch batch) {
            return db.mutate(batch);
          }

          @Override
          public AggregateResult aggregate(AggregateQuery q) {
            return ConnectionApi.await(db.aggregate(q));
          }
        });
  }

  /**
   * 16 (or {@code writers}) threads commit single-row inserts carrying their start time; an {@code
   * OrmDb.changes()} subscriber (the push feed, a Pekko Streams source woken by commit
   * notifications) records the time from the start of each commit call to its receipt.
   */
  @Override
  public ChangeTiming changes(String variant, int writers, long millis, long firstId)
      throws Exception {
    if (variant.equals("live")) {
      return liveUpdates(writers, millis, firstId);
    }
    return Driver.super.changes(variant, writers, millis, firstId);
  }

  /**
   * Live-query update latency: a subscriber holds the 10 newest events of this run ({@code
   * Event.findMany().where(id >= first).orderBy(id.desc).limit(10)}); every insert enters that
   * result. Records the time from the start of each commit call to the delta announcing its row.
   */
  private ChangeTiming liveUpdates(int writers, long millis, long firstId) throws Exception {
    org.HdrHistogram.Histogram h = ChildLoop.newHistogram();
    java.util.concurrent.atomic.AtomicLong ids =
        new java.util.concurrent.atomic.AtomicLong(firstId);
    java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong deltas = new java.util.concurrent.atomic.AtomicLong();
    GraphQuery q =
        GraphQuery.from("Event")
            .where(
                io.ormdb.protocol.query.Filter.cmp(
                    "id", io.ormdb.protocol.query.Filter.Op.GE, firstId))
            .orderBy(io.ormdb.protocol.query.OrderSpec.desc("id"))
            .limit(10)
            .build();
    io.ormdb.cdc.FeedControl control =
        db.liveQuery(q, 0)
            .to(
                org.apache.pekko.stream.javadsl.Sink.foreach(
                    ev -> {
                      if (ev instanceof io.ormdb.cdc.live.LiveEvent.Delta d) {
                        long now = System.nanoTime();
                        deltas.incrementAndGet();
                        for (io.ormdb.cdc.live.LiveEvent.Row r : d.entered()) {
                          io.ormdb.protocol.value.Value p = r.fields().get("payload");
                          if (p != null) {
                            synchronized (h) {
                              h.recordValue(Math.max(1, now - Long.parseLong(p.asString())));
                            }
                          }
                        }
                      }
                    }))
            .run(system);
    Thread[] ws = new Thread[writers];
    for (int t = 0; t < writers; t++) {
      final int ti = t;
      ws[t] =
          new Thread(
              () -> {
                long end = System.nanoTime() + millis * 1_000_000L;
                while (System.nanoTime() < end) {
                  long id = ids.getAndIncrement();
                  db.store()
                      .commit(
                          MutationBatch.of(
                              new io.ormdb.protocol.mutation.Mutation.Insert(
                                  "Event",
                                  java.util.Map.of(
                                      "id", io.ormdb.protocol.value.Value.of(id),
                                      "writer", io.ormdb.protocol.value.Value.of(ti),
                                      "payload",
                                          io.ormdb.protocol.value.Value.of(
                                              Long.toString(System.nanoTime()))))));
                  commits.incrementAndGet();
                }
              });
      ws[t].start();
    }
    for (Thread w : ws) {
      w.join();
    }
    long target = db.store().currentLsn();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (h.getTotalCount() < commits.get() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    control.stop();
    return new ChangeTiming(
        h,
        commits.get(),
        "commit call → live-query delta announcing the row (query: 10 newest events, re-run per"
            + " change set); "
            + h.getTotalCount()
            + " of "
            + commits.get()
            + " rows announced in "
            + deltas.get()
            + " deltas up to lsn "
            + target);
  }

  @Override
  public ChangeTiming changes(int writers, long millis, long firstId) throws Exception {
    org.HdrHistogram.Histogram h = ChildLoop.newHistogram();
    java.util.concurrent.atomic.AtomicLong ids =
        new java.util.concurrent.atomic.AtomicLong(firstId);
    java.util.concurrent.atomic.AtomicLong commits = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
    long fromLsn = db.store().currentLsn() + 1;
    io.ormdb.cdc.FeedControl control =
        db.changes(fromLsn, io.ormdb.cdc.feed.ChangeFilter.all().withEntities("Event"))
            .to(
                org.apache.pekko.stream.javadsl.Sink.foreach(
                    e -> {
                      long now = System.nanoTime();
                      io.ormdb.protocol.value.Value p = e.after().get("payload");
                      if (p != null) {
                        synchronized (h) {
                          h.recordValue(Math.max(1, now - Long.parseLong(p.asString())));
                        }
                        received.incrementAndGet();
                      }
                    }))
            .run(system);
    Thread[] ws = new Thread[writers];
    for (int t = 0; t < writers; t++) {
      final int ti = t;
      ws[t] =
          new Thread(
              () -> {
                long end = System.nanoTime() + millis * 1_000_000L;
                while (System.nanoTime() < end) {
                  long id = ids.getAndIncrement();
                  db.store()
                      .commit(
                          MutationBatch.of(
                              new io.ormdb.protocol.mutation.Mutation.Insert(
                                  "Event",
                                  java.util.Map.of(
                                      "id", io.ormdb.protocol.value.Value.of(id),
                                      "writer", io.ormdb.protocol.value.Value.of(ti),
                                      "payload",
                                          io.ormdb.protocol.value.Value.of(
                                              Long.toString(System.nanoTime()))))));
                  commits.incrementAndGet();
                }
              });
      ws[t].start();
    }
    for (Thread w : ws) {
      w.join();
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (received.get() < commits.get() && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    control.stop();
    return new ChangeTiming(
        h,
        commits.get(),
        "commit call → event received by an OrmDb.changes() subscriber (push feed); "
            + received.get()
            + " of "
            + commits.get()
            + " received");
  }

  /**
   * The {@code live} workload ({@link LiveQueryLoad}); its rows are inserted at the first call (the
   * warm-up) and updated by every later one.
   */
  @Override
  public ChangeTiming liveQueries(String variant, int writers, long millis, long firstId)
      throws Exception {
    if (live == null) {
      live = LiveQueryLoad.create(db, system, firstId);
    }
    return live.run(variant, writers, millis);
  }

  private LiveQueryLoad live;

  /** A checkpoint of the extension's store, as {@link OrmStoreDriver#finishWrites}. */
  @Override
  public String finishWrites() {
    return loader.finishWrites();
  }

  @Override
  public String durability(String variant) {
    return loader.durability(variant);
  }

  @Override
  public void close() throws Exception {
    if (system != null) {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}

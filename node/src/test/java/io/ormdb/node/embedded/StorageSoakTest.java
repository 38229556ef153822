package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.ConfigFactory;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.StoreStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The long soak of the storage: 16 writers commit orders (1–5 lines each) and an account update
 * through {@link OrmDb#mutate} for {@code -Dormdb.soak.minutes} (0 — skipped — in the default
 * build; 30 under {@code -Plong}), deleting each writer's orders older than its newest 500, so the
 * live data stays the same size; the changelog is retained 1 minute and row history 30 seconds
 * ({@code -Dormdb.soak.changelog-retention}, {@code -Dormdb.soak.history-retention}). The file's
 * size is printed every minute (the curve in docs/operations.md). The file must stop growing: its
 * largest size in the last third of the run is at most 1.25 times its largest in the middle third,
 * and every size stays under 2 GB.
 */
class StorageSoakTest {
  static final int WRITERS = 16;
  static final int KEEP_ORDERS = 500;

  static final String SCHEMA =
      """
      entity Account {
        id      int64 @id
        balance int64
        relation orders: one to many Order by accountId on delete cascade
      }
      entity Order {
        id        int64 @id
        accountId int64 @index
        total     int64
        relation lines: one to many OrderLine by orderId on delete cascade
      }
      entity OrderLine {
        id      int64 @id
        orderId int64 @index
        sku     string
        qty     int32
        price   int64
      }
      """;

  @TempDir Path dir;

  @Test
  void theFileStopsGrowingUnderASteadyWorkload() throws Exception {
    long minutes = Long.getLong("ormdb.soak.minutes", 0);
    assumeTrue(minutes > 0, "the soak runs with -Dormdb.soak.minutes=N (30 under -Plong)");
    Duration run = Duration.ofMinutes(minutes);
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "soak",
            ConfigFactory.parseString(
                    "ormdb.data-dir = \""
                        + dir.toString().replace("\\", "\\\\")
                        + "\"\normdb.changelog-retention = "
                        + System.getProperty("ormdb.soak.changelog-retention", "1m")
                        + "\normdb.history-retention = "
                        + System.getProperty("ormdb.soak.history-retention", "30s")
                        + "\n"
                        + "pekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    List<Long> sizes = new ArrayList<>();
    AtomicLong batches = new AtomicLong();
    try {
      OrmDb db = OrmDb.get(system);
      db.applySchema(SCHEMA).toCompletableFuture().join();
      List<Mutation> accounts = new ArrayList<>();
      for (long a = 0; a < WRITERS; a++) {
        accounts.add(
            new Mutation.Insert("Account", Map.of("id", Value.of(a), "balance", Value.of(0L))));
      }
      db.mutate(new MutationBatch(accounts)).toCompletableFuture().join();

      long end = System.nanoTime() + run.toNanos();
      ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < WRITERS; w++) {
        long writer = w;
        writers.add(
            pool.submit(
                () -> {
                  Random r = new Random(writer);
                  long n = 0;
                  while (System.nanoTime() < end) {
                    long order = writer + WRITERS * n;
                    List<Mutation> ms = new ArrayList<>();
                    long total = 0;
                    int lines = 1 + r.nextInt(5);
                    for (int l = 0; l < lines; l++) {
                      long price = 100 + r.nextInt(10_000);
                      int qty = 1 + r.nextInt(3);
                      total += price * qty;
                      Map<String, Value> line = new HashMap<>();
                      line.put("id", Value.of(order * 8 + l));
                      line.put("orderId", Value.of(order));
                      line.put("sku", Value.of("sku-" + r.nextInt(5_000)));
                      line.put("qty", Value.of(qty));
                      line.put("price", Value.of(price));
                      ms.add(new Mutation.Insert("OrderLine", line));
                    }
                    ms.add(
                        0,
                        new Mutation.Insert(
                            "Order",
                            Map.of(
                                "id", Value.of(order),
                                "accountId", Value.of(writer),
                                "total", Value.of(total))));
                    ms.add(
                        new Mutation.Update(
                            "Account", Value.of(writer), Map.of("balance", Value.of(total)), 0));
                    if (n >= KEEP_ORDERS) {
                      ms.add(
                          new Mutation.Delete(
                              "Order", Value.of(writer + WRITERS * (n - KEEP_ORDERS)), 0));
                    }
                    db.mutate(new MutationBatch(ms)).toCompletableFuture().join();
                    batches.incrementAndGet();
                    n++;
                  }
                  return null;
                }));
      }
      // the file's size every minute while the writers run to their deadline, and at the end
      long every = Math.max(1, Math.min(60_000, run.toMillis()));
      ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
      Runnable sample =
          () -> {
            StoreStats s = db.store().stats();
            sizes.add(s.fileBytes());
            System.out.printf(
                "soak minute %3d: %,12d batches  file %8.1f MB  fill %3d%%  log %,d MB  checkpoints %,d%n",
                sizes.size(),
                batches.get(),
                s.fileBytes() / 1e6,
                s.fillRate(),
                s.logBytes() >> 20,
                s.checkpoints());
          };
      sampler.scheduleAtFixedRate(sample, every, every, TimeUnit.MILLISECONDS);
      for (Future<?> f : writers) {
        f.get(run.toMillis() + 120_000, TimeUnit.MILLISECONDS);
      }
      sampler.shutdown();
      assertThat(sampler.awaitTermination(2, TimeUnit.MINUTES)).as("the sampler stopped").isTrue();
      sample.run(); // and at the end
      pool.shutdown();
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
    }
    assertThat(batches.get()).isPositive();
    assertThat(sizes).allMatch(b -> b < 2_000_000_000L, "under 2 GB");
    if (sizes.size() >= 3) {
      long middle =
          sizes.subList(sizes.size() / 3, 2 * sizes.size() / 3).stream()
              .max(Long::compare)
              .orElseThrow();
      long last =
          sizes.subList(2 * sizes.size() / 3, sizes.size()).stream()
              .max(Long::compare)
              .orElseThrow();
      assertThat(last).as("largest size in the last third").isLessThanOrEqualTo(middle * 5 / 4);
    }
  }
}

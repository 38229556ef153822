package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.Writes;
import io.ormdb.protocol.query.Filter;
import io.ormdb.protocol.value.Value;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Arithmetic sets are computed in the write transaction against the row as committed then, so
 * increments from many threads at once — through update, updateMany and upsert, waiting and
 * asynchronous commits alike — never lose one another: the final sums are exact.
 */
class IncrementConcurrencyTest {
  static final int THREADS = 8;
  static final int PER_THREAD = 200;

  @TempDir Path dir;
  OrmStore store;
  ExecutorService pool;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir));
    store.applySchema(
        SchemaParser.parse(
            """
            entity Account {
              id      int64          @id
              name    string         @unique
              n       int64          @default(0)
              balance decimal(12, 2) @default(0.00)
            }
            """));
    store.commit(
        MutationBatch.of(
            Writes.create("Account").set("id", 1L).set("name", "a").build(),
            Writes.create("Account").set("id", 2L).set("name", "b").build()));
    pool = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void close() {
    pool.shutdownNow();
    store.close();
  }

  @Test
  void concurrentIncrementsNeverLoseAnUpdate() throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      workers.add(
          pool.submit(
              () -> {
                go.await();
                List<CompletableFuture<?>> pending = new ArrayList<>();
                for (int i = 0; i < PER_THREAD; i++) {
                  MutationBatch batch =
                      switch (i % 3) {
                        case 0 ->
                            MutationBatch.of(
                                Writes.update("Account", 1L)
                                    .set("n", Writes.field("n").plus(1L))
                                    .set(
                                        "balance",
                                        Writes.field("balance").plus(new BigDecimal("0.01")))
                                    .build());
                        case 1 ->
                            MutationBatch.of(
                                Writes.updateMany(
                                        "Account",
                                        new Filter.Compare("name", Filter.Op.EQ, Value.of("a")))
                                    .set("n", Writes.field("n").plus(1L))
                                    .set(
                                        "balance",
                                        Writes.field("balance").plus(new BigDecimal("0.01")))
                                    .build());
                        default ->
                            MutationBatch.of(
                                Writes.upsert("Account", Map.of("name", "a"))
                                    .create("id", 99L)
                                    .set("n", Writes.field("n").plus(1L))
                                    .set(
                                        "balance",
                                        Writes.field("balance").plus(new BigDecimal("0.01")))
                                    .build(),
                                // a second row in the same batch, so batches span rows
                                Writes.update("Account", 2L)
                                    .set("n", Writes.field("n").minus(1L))
                                    .build());
                      };
                  if ((i + thread) % 2 == 0) {
                    store.commit(batch);
                  } else {
                    pending.add(store.commitAsync(batch));
                  }
                }
                for (CompletableFuture<?> f : pending) {
                  f.get(60, TimeUnit.SECONDS);
                }
                return null;
              }));
    }
    go.countDown();
    for (Future<?> w : workers) {
      w.get(120, TimeUnit.SECONDS);
    }
    int total = THREADS * PER_THREAD;
    int upserts = 0;
    for (int i = 0; i < PER_THREAD; i++) {
      upserts += i % 3 == 2 ? THREADS : 0;
    }
    Map<String, Value> a =
        StoreTestSupport.get(store, "Account", Value.of(1L)).orElseThrow().fields();
    Map<String, Value> b =
        StoreTestSupport.get(store, "Account", Value.of(2L)).orElseThrow().fields();
    assertThat(a.get("n")).isEqualTo(Value.of((long) total));
    assertThat(a.get("balance"))
        .isEqualTo(new Value.Decimal(new BigDecimal(total).movePointLeft(2)));
    assertThat(b.get("n")).isEqualTo(Value.of((long) -upserts));
    assertThat(StoreTestSupport.get(store, "Account", Value.of(99L)))
        .as("the upsert always found its row")
        .isEmpty();
  }
}

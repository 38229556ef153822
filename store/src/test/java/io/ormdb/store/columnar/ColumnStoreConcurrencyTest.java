package io.ormdb.store.columnar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.query.AggregateQuery;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers commit while readers run aggregates at the newest snapshot and at older LSNs; every
 * aggregate equals the row scan at the same view.
 */
class ColumnStoreConcurrencyTest {
  @TempDir Path dir;

  @Test
  void concurrentAggregatesAtDifferentSnapshotsEqualTheRowScan() throws Exception {
    long seed = System.nanoTime();
    ColumnarModel writerModel = new ColumnarModel(new Random(seed));
    ExecutorService pool = Executors.newFixedThreadPool(6);
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withAsync(20))) {
      store.applySchema(writerModel.schema);
      for (int i = 0; i < 20; i++) {
        store.commit(writerModel.batch());
      }
      AtomicBoolean writing = new AtomicBoolean(true);
      Future<?> writer =
          pool.submit(
              () -> {
                try {
                  for (int i = 0; i < 400; i++) {
                    store.commit(writerModel.batch()); // one writer: the model is not thread-safe
                  }
                } finally {
                  writing.set(false);
                }
                return null;
              });
      List<Future<Integer>> readers = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        long readerSeed = seed + 1 + t;
        readers.add(
            pool.submit(
                () -> {
                  ColumnarModel m = new ColumnarModel(new Random(seed));
                  Random rnd = new Random(readerSeed);
                  m.rnd.setSeed(readerSeed);
                  int n = 0;
                  while (writing.get() || n < 50) {
                    long newest = store.currentLsn();
                    long lsn =
                        rnd.nextBoolean()
                            ? 0
                            : Math.max(store.oldestRetainedLsn(), newest - rnd.nextInt(30));
                    AggregateQuery q = m.aggregate();
                    try (ReadView view = lsn > 0 ? store.snapshotAt(lsn) : store.snapshot()) {
                      m.check(store.queryEngine(), view, q);
                    }
                    n++;
                  }
                  return n;
                }));
      }
      writer.get(60, TimeUnit.SECONDS);
      int total = 0;
      for (Future<Integer> r : readers) {
        try {
          total += r.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new AssertionError("seed " + seed + ": " + e.getCause().getMessage(), e.getCause());
        }
      }
      assertThat(total).isGreaterThanOrEqualTo(200);
      assertThat(store.columnStore().columnarAggregates()).isGreaterThan(total / 4);
    } finally {
      pool.shutdownNow();
    }
  }
}

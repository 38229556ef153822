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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Randomized equivalence of the columnar aggregate path with the row scan: random schemas of one
 * family, random mutation batches, random aggregates (any function, 0–2 group-by fields, filters of
 * any nesting) compared at the newest snapshot and at older LSNs, across a close and reopen (which
 * loads the columns from their checkpoint; every other store stops without the final checkpoint, so
 * the reopened store replays the changelog from an older one). The number of queries is {@code
 * -Dormdb.columnar.ops} (default 1200); a failure names its seed.
 */
class ColumnStoreEquivalenceTest {
  private static final int OPS = Integer.getInteger("ormdb.columnar.ops", 1200);

  @TempDir Path dir;

  @Test
  void columnarAggregatesEqualTheRowScanAtEveryView() {
    long seed = Long.getLong("ormdb.columnar.seed", System.nanoTime());
    int queries = 0;
    long columnar = 0;
    long loaded = 0;
    long failures = 0;
    int round = 0;
    try {
      while (queries < OPS) {
        Random rnd = new Random(seed + round);
        int[] counts = runOneStore(rnd, dir.resolve("r" + round), OPS - queries, round % 2 == 1);
        queries += counts[0];
        columnar += counts[1];
        loaded += counts[2];
        failures += counts[3];
        round++;
      }
    } catch (AssertionError | RuntimeException e) {
      throw new AssertionError("seed " + seed + " round " + round + ": " + e.getMessage(), e);
    }
    assertThat(queries).isGreaterThanOrEqualTo(OPS);
    // most aggregates run at the newest snapshot or a recent LSN: the columns serve them
    assertThat(columnar).isGreaterThan(queries / 3);
    // columns built before a reopen come back from their checkpoint
    assertThat(loaded).isPositive();
    assertThat(failures).isZero();
  }

  /**
   * One store: batches and queries, a reopen in the middle ({@code dirtyStop}: without the
   * checkpoint at close). Returns {queries, columnar, loaded from checkpoints, checkpoint
   * failures}.
   */
  private int[] runOneStore(Random rnd, Path path, int budget, boolean dirtyStop) {
    ColumnarModel m = new ColumnarModel(rnd);
    StoreConfig config = StoreConfig.of(path).withAsync(50);
    List<Long> lsns = new ArrayList<>();
    int queries = 0;
    long columnar = 0;
    long loaded = 0;
    long failures = 0;
    int steps = 40 + rnd.nextInt(60);
    OrmStore store = OrmStore.open(config);
    try {
      store.applySchema(m.schema);
      for (int step = 0; step < steps && queries < budget; step++) {
        if (step == steps / 2) {
          columnar += store.columnStore().columnarAggregates();
          failures += store.columnStore().checkpointFailures();
          store.columnStore().suspendCheckpoints(dirtyStop);
          store.close();
          store = OrmStore.open(config);
        }
        for (int b = rnd.nextInt(4); b > 0; b--) {
          lsns.add(store.commit(m.batch()).lsn());
        }
        for (int k = 1 + rnd.nextInt(12); k > 0 && queries < budget; k--) {
          AggregateQuery q = m.aggregate();
          long lsn =
              rnd.nextInt(4) == 0 && !lsns.isEmpty() ? lsns.get(rnd.nextInt(lsns.size())) : 0;
          try (ReadView view = lsn > 0 ? store.snapshotAt(lsn) : store.snapshot()) {
            m.check(store.queryEngine(), view, q);
          }
          queries++;
        }
      }
      columnar += store.columnStore().columnarAggregates();
      loaded += store.columnStore().loadedFromCheckpoint();
      failures += store.columnStore().checkpointFailures();
    } finally {
      store.close();
    }
    return new int[] {queries, (int) columnar, (int) loaded, (int) failures};
  }
}

package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.node.ChildJvm;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.Partitioning;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batches spanning several entity shards commit all or nothing also across a crash, through the
 * actor layer: a child JVM's writers commit multi-partition batches through {@code OrmDb.mutate}
 * (inserts over 3 to 6 partitions, plus deletes of an earlier batch's rows), and the parent kills
 * it with SIGKILL at a random moment, several times. Then, on the database file:
 *
 * <ul>
 *   <li>every acknowledged batch is in the changelog (durability);
 *   <li>every change set of the changelog holds exactly one batch, whole: all of its inserts and
 *       all of its deletes (atomicity; nothing of a batch outside its change set);
 *   <li>the rows in the tables are exactly what replaying the changelog gives (the tables and the
 *       changelog were committed together);
 *   <li>most batches really spanned three or more partitions.
 * </ul>
 *
 * {@code -Dormdb.actors.crash.rounds=N} (default 4) sets the number of kills.
 */
class MultiShardCrashTest {
  @TempDir Path dir;

  private int readAfterKill;

  @Test
  void multiShardBatchesAreWholeOrAbsentAfterSigkills() throws Exception {
    int rounds = Integer.getInteger("ormdb.actors.crash.rounds", 4);
    long seed = Long.getLong("ormdb.actors.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    String ctx = "seed " + seed;
    Set<Long> acked = new HashSet<>();
    for (int round = 1; round <= rounds; round++) {
      acked.addAll(runChild(round, 20 + random.nextInt(300), ctx));
    }

    Map<Long, Long> replayed = new HashMap<>(); // id -> batch, from the changelog
    Set<Long> committed = new HashSet<>();
    int spanning = 0;
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      long from = 1;
      List<ChangeSet> page;
      do {
        page = store.changes(from, 500);
        for (ChangeSet cs : page) {
          from = cs.lsn() + 1;
          if (cs.events().stream().noneMatch(e -> e.entity().equals("Part"))) {
            continue; // the schema
          }
          Set<Long> inserted = new TreeSet<>();
          Set<Long> deleted = new TreeSet<>();
          Set<Integer> partitions = new HashSet<>();
          for (ChangeEvent e : cs.events()) {
            long id = ((Value.Int64) e.id()).value();
            partitions.add(Partitioning.partitionOf(e.id(), 8));
            if (e.op() == ChangeEvent.Op.CREATE) {
              inserted.add(id);
              replayed.put(id, id / 8);
            } else {
              assertThat(e.op())
                  .as("only inserts and deletes (%s)", ctx)
                  .isEqualTo(ChangeEvent.Op.DELETE);
              deleted.add(id);
              assertThat(replayed.remove(id))
                  .as("deleted row %d existed (%s)", id, ctx)
                  .isNotNull();
            }
          }
          long b = inserted.iterator().next() / 8;
          assertThat(committed.add(b)).as("batch %d once (%s)", b, ctx).isTrue();
          assertThat(inserted)
              .as("all inserts of batch %d at LSN %d (%s)", b, cs.lsn(), ctx)
              .isEqualTo(ids(b));
          long gone = MultiShardCrashChild.deletes(b);
          assertThat(deleted)
              .as("all deletes of batch %d at LSN %d (%s)", b, cs.lsn(), ctx)
              .isEqualTo(gone < 0 ? Set.of() : ids(gone));
          if (partitions.size() >= 3) {
            spanning++;
          }
        }
      } while (!page.isEmpty());

      Map<Long, Long> rows = new HashMap<>();
      try (ReadView v = store.snapshot()) {
        for (Iterator<Row> it = v.scan("Part"); it.hasNext(); ) {
          Row r = it.next();
          rows.put(((Value.Int64) r.id()).value(), ((Value.Int64) r.fields().get("batch")).value());
        }
      }
      assertThat(rows).as("tables = the changelog replayed (%s)", ctx).isEqualTo(replayed);
    }
    Set<Long> lost = new TreeSet<>(acked);
    lost.removeAll(committed);
    assertThat(lost).as("acknowledged batches missing from the changelog (%s)", ctx).isEmpty();
    assertThat(acked.size())
        .as("the writers got acknowledgements (%s)", ctx)
        .isGreaterThan(rounds * 20);
    assertThat(spanning)
        .as("batches spanning 3+ partitions of %d (%s)", committed.size(), ctx)
        .isGreaterThan(committed.size() / 2);
    System.out.printf(
        "MultiShardCrashTest: %d rounds, %d acknowledged batches (%d of them read after the"
            + " SIGKILL), all present; %d batches committed (%d over 3+ partitions), %s%n",
        rounds, acked.size(), readAfterKill, committed.size(), spanning, ctx);
  }

  private static Set<Long> ids(long batch) {
    Set<Long> out = new TreeSet<>();
    for (int j = 0; j < MultiShardCrashChild.parts(batch); j++) {
      out.add(batch * 8 + j);
    }
    return out;
  }

  /** Runs the child until it printed {@code killAfter} acknowledgements, then SIGKILLs it. */
  private Set<Long> runChild(int round, int killAfter, String ctx) throws Exception {
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    CountDownLatch enough = new CountDownLatch(1);
    AtomicInteger count = new AtomicInteger();
    try (ChildJvm child =
        ChildJvm.start(
            MultiShardCrashChild.class,
            line -> {
              if (line.startsWith("ACK ")) {
                acked.add(Long.parseLong(line.substring(4)));
                if (count.incrementAndGet() >= killAfter) {
                  enough.countDown();
                }
              }
            },
            dir.toString(),
            Integer.toString(round),
            "4")) {
      assertThat(enough.await(90, TimeUnit.SECONDS))
          .as("child round %d acknowledged %d batches (%s)", round, killAfter, ctx)
          .isTrue();
      int beforeKill = count.get();
      child.kill(); // SIGKILL; returns once every line the child printed was read
      readAfterKill += count.get() - beforeKill;
    }
    return new HashSet<>(acked);
  }
}

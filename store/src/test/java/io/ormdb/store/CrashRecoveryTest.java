package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a committing child JVM with SIGKILL at random moments and checks after every restart that
 * each acknowledged batch is present in full, no batch is partially present, and replaying the
 * changelog reproduces the tables. {@code -Dormdb.crash.rounds=N} raises the number of rounds.
 *
 * <p>Every fourth round runs the child in ASYNC mode: a process kill (unlike a power failure) loses
 * nothing there either, because each group is written to the file before it is acknowledged; only
 * the fsync is deferred.
 */
class CrashRecoveryTest {
  @TempDir Path dir;

  @Test
  void acknowledgedBatchesSurviveSigkillAndNoBatchIsPartial() throws Exception {
    int rounds = Integer.getInteger("ormdb.crash.rounds", 20);
    long seed = Long.getLong("ormdb.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Set<Long> acked = new HashSet<>();
    int totalAcks = 0;
    int afterKill = 0;
    for (int round = 1; round <= rounds; round++) {
      Set<Long> roundAcks = ConcurrentHashMap.newKeySet();
      CountDownLatch ready = new CountDownLatch(1);
      int killAfter = random.nextInt(150);
      CountDownLatch enough = new CountDownLatch(1);
      try (ChildJvm child =
          ChildJvm.start(
              CrashChild.class,
              line -> {
                if (line.equals("READY")) {
                  ready.countDown();
                } else if (line.startsWith("ACK ")) {
                  roundAcks.add(Long.parseLong(line.substring(4)));
                  if (roundAcks.size() >= killAfter) {
                    enough.countDown();
                  }
                }
              },
              dir.toString(),
              Integer.toString(round),
              "4",
              round % 4 == 0 ? "async" : "sync")) {
        assertThat(ready.await(30, TimeUnit.SECONDS)).as("child ready (seed %d)", seed).isTrue();
        if (killAfter == 0) {
          enough.countDown();
        }
        assertThat(enough.await(30, TimeUnit.SECONDS)).as("child acks (seed %d)", seed).isTrue();
        int beforeKill = roundAcks.size();
        child.kill(); // SIGKILL; returns once every line the child printed was read
        afterKill += roundAcks.size() - beforeKill;
      }
      acked.addAll(roundAcks);
      totalAcks += roundAcks.size();
      verify(acked, seed, round);
    }
    assertThat(totalAcks).isPositive();
    System.out.printf(
        "CrashRecoveryTest: %d rounds, %d acknowledged batches (%d of them read after the"
            + " SIGKILL), all present, seed %d%n",
        rounds, totalAcks, afterKill, seed);
  }

  private void verify(Set<Long> acked, long seed, int round) {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir));
        ReadView v = store.snapshot()) {
      String ctx = "round " + round + ", seed " + seed;
      Map<Long, Integer> itemsPerBatch = new HashMap<>();
      Map<String, Map<String, Map<String, Value>>> tables = new HashMap<>();
      for (String entity : List.of("Batch", "Item")) {
        Map<String, Map<String, Value>> t = new HashMap<>();
        for (var it = v.scan(entity); it.hasNext(); ) {
          Row r = it.next();
          t.put(r.id().render(), r.fields());
          if (entity.equals("Item")) {
            itemsPerBatch.merge(r.get("batchId").asLong(), 1, Integer::sum);
          }
        }
        tables.put(entity, t);
      }
      Set<Long> batches = new HashSet<>();
      tables.get("Batch").values().forEach(b -> batches.add(b.get("id").asLong()));
      for (long b : batches) {
        assertThat(itemsPerBatch.getOrDefault(b, 0))
            .as("batch %d complete (%s)", b, ctx)
            .isEqualTo(CrashChild.ITEMS_PER_BATCH);
      }
      assertThat(itemsPerBatch.keySet()).as("no orphan items (%s)", ctx).isSubsetOf(batches);
      // replaying the changelog reproduces the tables
      Map<String, Map<String, Map<String, Value>>> replay = new HashMap<>();
      replay.put("Batch", new HashMap<>());
      replay.put("Item", new HashMap<>());
      Set<Long> created = new HashSet<>();
      Set<Long> deletedInLog = new HashSet<>();
      long expectedLsn = 1;
      List<ChangeSet> page;
      long from = 1;
      do {
        page = store.changes(from, 500);
        for (ChangeSet cs : page) {
          assertThat(cs.lsn()).as("gap-free changelog (%s)", ctx).isEqualTo(expectedLsn++);
          for (ChangeEvent e : cs.events()) {
            Map<String, Map<String, Value>> t = replay.get(e.entity());
            if (e.entity().equals("Batch")) {
              (e.op() == ChangeEvent.Op.DELETE ? deletedInLog : created).add(e.id().asLong());
            }
            if (e.op() == ChangeEvent.Op.DELETE) {
              assertThat(t.remove(e.id().render())).isNotNull();
            } else {
              t.put(e.id().render(), e.after());
            }
          }
          from = cs.lsn() + 1;
        }
      } while (!page.isEmpty());
      assertThat(expectedLsn - 1).isEqualTo(store.currentLsn());
      for (long id : acked) {
        // acknowledged: created durably; absent only when a later committed batch deleted it
        assertThat(created).as("acknowledged batch %d in the changelog (%s)", id, ctx).contains(id);
        if (!batches.contains(id)) {
          assertThat(deletedInLog).as("acknowledged batch %d present (%s)", id, ctx).contains(id);
        }
      }
      assertThat(replay).as("changelog replay equals tables (%s)", ctx).isEqualTo(tables);
    }
  }
}

package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a committing child JVM with SIGKILL at random moments and checks after every restart that
 * each acknowledged batch is present in full, no batch is partially present, the changelog's LSNs
 * run from 1 without a gap, and replaying the changelog from LSN 1 reproduces the tables. {@code
 * -Dormdb.crash.rounds=N} raises the number of rounds (100 with {@code -Plong}).
 *
 * <p>Commits are durable in the write-ahead log; the file is written at checkpoints. Four rounds in
 * five run the child with {@link CrashChild#TINY} checkpoints — one every 20 ms, each followed by a
 * space-reclamation pass that rewrites sparse chunks — so that kills land in checkpoints and
 * reclamation; every fifth round keeps the default (one checkpoint a minute), so that the restart
 * replays everything the round wrote. Of the tiny rounds, the odd-numbered are aimed: the child
 * reports how many checkpoints it wrote and how many of them finished ({@code CHECKPOINT} lines),
 * and the parent kills it while a checkpoint is in flight (the file is being written or synced, the
 * older log segments are not yet deleted), or — rounds 3, 7, 11, ... — right after a checkpoint
 * finished, when its reclamation pass starts; the others are killed after a random number of
 * acknowledgements only. The child's last report before the kill shows whether the kill cut a
 * checkpoint short, and the verifying open reports how many log records it replayed. The test
 * asserts that at least one kill cut a checkpoint short (an aimed kill can come a moment late: when
 * none of the planned ones did, up to four more aimed rounds run), that reclamation rewrote chunks,
 * and that restarts replayed the log.
 *
 * <p>Every fourth round runs the child in ASYNC mode: a process kill (unlike a power failure) loses
 * nothing there either, because each group's log record is written before it is acknowledged; only
 * the fsync is deferred.
 */
class CrashRecoveryTest {
  @TempDir Path dir;

  /** Aimed rounds added at most when none of the planned kills cut a checkpoint short. */
  private static final int EXTRA_AIMED_ROUNDS = 4;

  // what the loop saw, printed at the end
  private int acks;
  private int readAfterKill;
  private int aimedAtCheckpoint;
  private int aimedAtReclamation;
  private int checkpointInFlight;
  private long checkpoints;
  private long reclaimPasses;
  private long reclaimRewrites;
  private long maxFileBytes;
  private int replayingOpens;
  private long replayedRecords;
  private int tornTails;

  /** What a round does: its checkpoints, and where its kill is aimed. */
  private enum Plan {
    /** Tiny checkpoints; killed while one is in flight. */
    AT_CHECKPOINT,
    /** Tiny checkpoints; killed right after one finished, as its reclamation pass starts. */
    AT_RECLAMATION,
    /** Tiny checkpoints; killed after the random number of acknowledgements. */
    RANDOM,
    /** Default checkpoints (none during the round); killed after the acknowledgements. */
    DEFAULT_CHECKPOINTS;

    static Plan of(int round) {
      if (round % 5 == 0) {
        return DEFAULT_CHECKPOINTS;
      }
      return switch (round % 4) {
        case 1 -> AT_CHECKPOINT;
        case 3 -> AT_RECLAMATION;
        default -> RANDOM;
      };
    }
  }

  @Test
  void acknowledgedBatchesSurviveSigkillAndNoBatchIsPartial() throws Exception {
    int rounds = Integer.getInteger("ormdb.crash.rounds", 20);
    long seed = Long.getLong("ormdb.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Set<Long> acked = new HashSet<>();
    int round = 0;
    while (round < rounds) {
      round++;
      runRound(round, Plan.of(round), random.nextInt(150), acked, seed);
    }
    // an aimed kill can come a moment late; more aimed rounds until one cut a checkpoint short
    while (rounds >= 5 && checkpointInFlight == 0 && round < rounds + EXTRA_AIMED_ROUNDS) {
      round++;
      runRound(round, Plan.AT_CHECKPOINT, random.nextInt(150), acked, seed);
    }
    System.out.printf(
        "CrashRecoveryTest: %d SIGKILLs (%d aimed at a checkpoint, %d at a reclamation pass; %d"
            + " cut a checkpoint short), %d acknowledged batches (%d of them read after the"
            + " SIGKILL), all present; the children took %d checkpoints and %d reclamation passes"
            + " (%d rewrote chunks), file at most %d bytes; %d restarts replayed the log (%d"
            + " records), %d ignored a torn last record; seed %d%n",
        round,
        aimedAtCheckpoint,
        aimedAtReclamation,
        checkpointInFlight,
        acks,
        readAfterKill,
        checkpoints,
        reclaimPasses,
        reclaimRewrites,
        maxFileBytes,
        replayingOpens,
        replayedRecords,
        tornTails,
        seed);
    String ctx = "seed " + seed;
    assertThat(acks).as("acknowledged batches (%s)", ctx).isPositive();
    if (rounds >= 5) {
      assertThat(checkpointInFlight).as("kills that cut a checkpoint short (%s)", ctx).isPositive();
      assertThat(checkpoints).as("checkpoints the children took (%s)", ctx).isGreaterThan(rounds);
      assertThat(reclaimRewrites)
          .as("reclamation passes that rewrote chunks (%s)", ctx)
          .isPositive();
      assertThat(replayingOpens).as("restarts that replayed the log (%s)", ctx).isPositive();
    }
  }

  /**
   * Runs a child until it printed {@code killAfter} acknowledgements and, when the plan says so,
   * until a checkpoint or reclamation pass runs, SIGKILLs it, and checks the restarted store.
   */
  private void runRound(int round, Plan plan, int killAfter, Set<Long> acked, long seed)
      throws Exception {
    String ctx = "round " + round + ", " + plan + ", seed " + seed;
    Set<Long> roundAcks = ConcurrentHashMap.newKeySet();
    AtomicReference<long[]> stats = new AtomicReference<>(new long[6]);
    AtomicReference<long[]> written = new AtomicReference<>(new long[2]);
    CountDownLatch ready = new CountDownLatch(1);
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
              } else if (line.startsWith("STATS ") || line.startsWith("CHECKPOINT ")) {
                String[] f = line.substring(line.indexOf(' ') + 1).split(" ");
                long[] s = new long[f.length];
                for (int i = 0; i < f.length; i++) {
                  s[i] = Long.parseLong(f[i]);
                }
                (line.startsWith("STATS ") ? stats : written).set(s);
              }
            },
            dir.toString(),
            Integer.toString(round),
            "4",
            round % 4 == 0 ? "async" : "sync",
            plan == Plan.DEFAULT_CHECKPOINTS ? "default" : "tiny")) {
      assertThat(ready.await(30, TimeUnit.SECONDS)).as("child ready (%s)", ctx).isTrue();
      if (killAfter == 0) {
        enough.countDown();
      }
      assertThat(enough.await(30, TimeUnit.SECONDS)).as("child acks (%s)", ctx).isTrue();
      if (plan == Plan.AT_CHECKPOINT || plan == Plan.AT_RECLAMATION) {
        // a checkpoint is in flight: the file is being written or synced, the older log segments
        // are not yet deleted
        awaitCheckpoint("a checkpoint in flight (" + ctx + ")", () -> inFlight(written.get()));
      }
      if (plan == Plan.AT_RECLAMATION) {
        // the checkpoint's sync and segment deletion are done: its reclamation pass runs now
        long[] at = written.get();
        awaitCheckpoint("a checkpoint finished (" + ctx + ")", () -> written.get()[1] >= at[0]);
        aimedAtReclamation++;
      } else if (plan == Plan.AT_CHECKPOINT) {
        aimedAtCheckpoint++;
      }
      int beforeKill = roundAcks.size();
      child.kill(); // SIGKILL; returns once every line the child printed was read
      readAfterKill += roundAcks.size() - beforeKill;
    }
    if (inFlight(written.get())) {
      checkpointInFlight++;
    }
    long[] s = stats.get();
    checkpoints += s[0];
    reclaimPasses += s[1];
    reclaimRewrites += s[2];
    maxFileBytes = Math.max(maxFileBytes, s[3]);
    acked.addAll(roundAcks);
    acks += roundAcks.size();
    verify(acked, ctx);
  }

  private void awaitCheckpoint(String what, Callable<Boolean> condition) {
    await(what)
        .atMost(Duration.ofSeconds(30))
        .pollInSameThread() // the kill follows the sighting without a thread hand-off
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofNanos(200_000))
        .until(condition);
  }

  /** Whether the child's report {@code [written, finished]} shows a checkpoint in flight. */
  private static boolean inFlight(long[] checkpoints) {
    return checkpoints[1] < checkpoints[0];
  }

  private void verify(Set<Long> acked, String ctx) {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir));
        ReadView v = store.snapshot()) {
      OrmStore.LogActivity opened = store.logActivity();
      if (opened.replayedRecords() > 0) {
        replayingOpens++;
        replayedRecords += opened.replayedRecords();
      }
      if (opened.tornBytesIgnored() > 0) {
        tornTails++;
      }
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
          expectedLsn = nextLsn(store, cs.lsn(), expectedLsn, ctx);
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

  /**
   * The changelog runs without a gap, except where a new history epoch begins (a torn log tail
   * after a kill in the middle of an append starts one); returns the LSN expected next.
   */
  static long nextLsn(OrmStore store, long lsn, long expected, String ctx) {
    if (lsn != expected) {
      assertThat(store.historyEpochs())
          .as(
              "LSN %d follows %d: a gap only where a history epoch begins (%s)",
              lsn, expected - 1, ctx)
          .anyMatch(e -> e.firstLsn() == lsn && e.lastLsnKept() == expected - 1);
    }
    return lsn + 1;
  }
}

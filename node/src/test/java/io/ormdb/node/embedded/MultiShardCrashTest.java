package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.ChildJvm;
import io.ormdb.store.LogActivityAccess;
import io.ormdb.store.OrmStore;
import io.ormdb.store.Partitioning;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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
 *   <li>the changelog's LSNs run from 1 without a gap;
 *   <li>most batches really spanned three or more partitions.
 * </ul>
 *
 * <p>Commits are durable in the write-ahead log; the file is written at checkpoints. Three rounds
 * in four run the child with {@link MultiShardCrashChild#TINY_CHECKPOINTS} — a checkpoint every 20
 * ms, each followed by a space-reclamation pass that rewrites sparse chunks —, the fourth with the
 * default (one a minute), so that the next open replays all the round wrote. Of the tiny rounds
 * some are aimed: the child reports how many checkpoints it wrote and how many finished ({@code
 * CHECKPOINT} lines), and the parent kills it while a checkpoint is in flight (the file being
 * written or synced, the older log segments not yet deleted), or right after one finished, when its
 * reclamation pass starts; the others are killed after a random number of acknowledgements only.
 * The child's last report before the kill shows whether it cut a checkpoint short, and the next
 * open (the child's, or the final check's) reports how many log records it replayed. The test
 * asserts that a kill cut a checkpoint short (an aimed kill can come a moment late: when none of
 * the planned ones did, up to four more aimed rounds run), that reclamation rewrote chunks and that
 * opens replayed the log.
 *
 * <p>{@code -Dormdb.actors.crash.rounds=N} (default 4, 40 with {@code -Plong}) sets the number of
 * kills.
 */
class MultiShardCrashTest {
  @TempDir Path dir;

  /** Aimed rounds added at most when none of the planned kills cut a checkpoint short. */
  private static final int EXTRA_AIMED_ROUNDS = 4;

  // what the loop saw, printed at the end
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

  @Test
  void multiShardBatchesAreWholeOrAbsentAfterSigkills() throws Exception {
    int rounds = Integer.getInteger("ormdb.actors.crash.rounds", 4);
    long seed = Long.getLong("ormdb.actors.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    String ctx = "seed " + seed;
    Set<Long> acked = new HashSet<>();
    int round = 0;
    while (round < rounds) {
      round++;
      acked.addAll(runChild(round, Plan.of(round), 20 + random.nextInt(300), ctx));
    }
    // an aimed kill can come a moment late; more aimed rounds until one cut a checkpoint short
    while (rounds >= 4 && checkpointInFlight == 0 && round < rounds + EXTRA_AIMED_ROUNDS) {
      round++;
      acked.addAll(runChild(round, Plan.AT_CHECKPOINT, 20 + random.nextInt(300), ctx));
    }
    int kills = round;

    Map<Long, Long> replayed = new HashMap<>(); // id -> batch, from the changelog
    Set<Long> committed = new HashSet<>();
    int spanning = 0;
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      opened(LogActivityAccess.replayedRecords(store), LogActivityAccess.tornBytesIgnored(store));
      long from = 1;
      long expectedLsn = 1;
      List<ChangeSet> page;
      do {
        page = store.changes(from, 500);
        for (ChangeSet cs : page) {
          expectedLsn = nextLsn(store, cs.lsn(), expectedLsn, ctx);
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
      assertThat(expectedLsn - 1).as("the newest LSN (%s)", ctx).isEqualTo(store.currentLsn());

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
        "MultiShardCrashTest: %d SIGKILLs (%d aimed at a checkpoint, %d at a"
            + " reclamation pass; %d cut a checkpoint short), %d acknowledged batches (%d of them"
            + " read after the SIGKILL), all present; %d batches committed (%d over 3+"
            + " partitions); the children took %d checkpoints and %d reclamation passes (%d"
            + " rewrote chunks), file at most %d bytes; %d opens replayed the log (%d records), %d"
            + " ignored a torn last record; %s%n",
        kills,
        aimedAtCheckpoint,
        aimedAtReclamation,
        checkpointInFlight,
        acked.size(),
        readAfterKill,
        committed.size(),
        spanning,
        checkpoints,
        reclaimPasses,
        reclaimRewrites,
        maxFileBytes,
        replayingOpens,
        replayedRecords,
        tornTails,
        ctx);
    if (rounds >= 4) {
      assertThat(checkpointInFlight).as("kills that cut a checkpoint short (%s)", ctx).isPositive();
      assertThat(checkpoints).as("checkpoints the children took (%s)", ctx).isGreaterThan(rounds);
      assertThat(reclaimRewrites)
          .as("reclamation passes that rewrote chunks (%s)", ctx)
          .isPositive();
      assertThat(replayingOpens).as("opens that replayed the log (%s)", ctx).isPositive();
    }
  }

  /** Counts what an open after a kill replayed from the log. */
  private void opened(long records, long tornBytes) {
    if (records > 0) {
      replayingOpens++;
      replayedRecords += records;
    }
    if (tornBytes > 0) {
      tornTails++;
    }
  }

  /** What round {@code round} does: its checkpoints, and where its kill is aimed. */
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
      return switch (round % 8) {
        case 1, 3 -> AT_CHECKPOINT;
        case 2, 6 -> AT_RECLAMATION;
        case 5, 7 -> RANDOM;
        default -> DEFAULT_CHECKPOINTS;
      };
    }
  }

  private void awaitCheckpoint(String what, Callable<Boolean> condition) {
    await(what)
        .atMost(Duration.ofSeconds(60))
        .pollInSameThread() // the kill follows the sighting without a thread hand-off
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofNanos(200_000))
        .until(condition);
  }

  /** Whether the child's report {@code [written, finished]} shows a checkpoint in flight. */
  private static boolean inFlight(long[] checkpoints) {
    return checkpoints[1] < checkpoints[0];
  }

  private static Set<Long> ids(long batch) {
    Set<Long> out = new TreeSet<>();
    for (int j = 0; j < MultiShardCrashChild.parts(batch); j++) {
      out.add(batch * 8 + j);
    }
    return out;
  }

  /** Runs the child until it printed {@code killAfter} acknowledgements, then SIGKILLs it. */
  private Set<Long> runChild(int round, Plan plan, int killAfter, String ctx) throws Exception {
    Set<Long> acked = ConcurrentHashMap.newKeySet();
    CountDownLatch enough = new CountDownLatch(1);
    AtomicInteger count = new AtomicInteger();
    AtomicReference<long[]> stats = new AtomicReference<>(new long[6]);
    AtomicReference<long[]> written = new AtomicReference<>(new long[2]);
    try (ChildJvm child =
        ChildJvm.start(
            MultiShardCrashChild.class,
            line -> {
              if (line.startsWith("ACK ")) {
                acked.add(Long.parseLong(line.substring(4)));
                if (count.incrementAndGet() >= killAfter) {
                  enough.countDown();
                }
              } else if (line.startsWith("STATS ")
                  || line.startsWith("OPENED ")
                  || line.startsWith("CHECKPOINT ")) {
                String[] f = line.substring(line.indexOf(' ') + 1).split(" ");
                long[] v = new long[f.length];
                for (int i = 0; i < f.length; i++) {
                  v[i] = Long.parseLong(f[i]);
                }
                if (line.startsWith("OPENED ")) {
                  opened(v[0], v[1]);
                } else if (line.startsWith("CHECKPOINT ")) {
                  written.set(v);
                } else {
                  stats.set(v);
                }
              }
            },
            dir.toString(),
            Integer.toString(round),
            "4",
            plan == Plan.DEFAULT_CHECKPOINTS ? "default" : "tiny")) {
      assertThat(enough.await(90, TimeUnit.SECONDS))
          .as("child round %d acknowledged %d batches (%s)", round, killAfter, ctx)
          .isTrue();
      if (plan == Plan.AT_CHECKPOINT || plan == Plan.AT_RECLAMATION) {
        // a checkpoint is in flight: the file is being written or synced, the older log segments
        // are not yet deleted
        awaitCheckpoint(
            "a checkpoint in flight (round " + round + ", " + ctx + ")",
            () -> inFlight(written.get()));
      }
      if (plan == Plan.AT_RECLAMATION) {
        // the checkpoint's sync and segment deletion are done: its reclamation pass runs now
        long[] at = written.get();
        awaitCheckpoint(
            "a checkpoint finished (round " + round + ", " + ctx + ")",
            () -> written.get()[1] >= at[0]);
        aimedAtReclamation++;
      } else if (plan == Plan.AT_CHECKPOINT) {
        aimedAtCheckpoint++;
      }
      int beforeKill = count.get();
      child.kill(); // SIGKILL; returns once every line the child printed was read
      readAfterKill += count.get() - beforeKill;
    }
    if (inFlight(written.get())) {
      checkpointInFlight++;
    }
    long[] s = stats.get();
    checkpoints += s[0];
    reclaimPasses += s[1];
    reclaimRewrites += s[2];
    maxFileBytes = Math.max(maxFileBytes, s[3]);
    return new HashSet<>(acked);
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

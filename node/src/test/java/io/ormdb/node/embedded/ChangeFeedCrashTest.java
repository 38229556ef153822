package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.ChildJvm;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.journal.ConsumerOffset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feed correctness under SIGKILL: a child JVM runs an embedded node with concurrent writers and a
 * named consumer that processes each feed item (prints it) and then commits its offset; the parent
 * kills it with SIGKILL at random moments, restarts it, and finally lets a writer-less child drain
 * the feed. It then checks the documented contract against the store's changelog:
 *
 * <ul>
 *   <li>every round delivers, from the item right after the offset it started from, consecutive
 *       committed items in LSN order — same LSN, index, operation, entity and id as the changelog
 *       (no gap, no duplicate, nothing uncommitted);
 *   <li>a round starts from an offset between the last acknowledged commit and the last processed
 *       item of the round before (acknowledged offsets are durable; nothing unprocessed is
 *       skipped): at most that one item is delivered twice;
 *   <li>the union of what was processed is exactly the changelog, every item of it.
 * </ul>
 *
 * {@code -Dormdb.cdc.crash.rounds=N} (default 10) sets the number of kills.
 */
class ChangeFeedCrashTest {
  @TempDir Path dir;

  /** One child run: the offset it started from and what its consumer printed. */
  private record Round(
      ConsumerOffset start,
      List<String> processed,
      List<ConsumerOffset> commits,
      int readAfterKill) {}

  @Test
  void aNamedConsumerSeesEveryCommittedChangeOnceAcrossSigkills() throws Exception {
    int rounds = Integer.getInteger("ormdb.cdc.crash.rounds", 10);
    long seed = Long.getLong("ormdb.cdc.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    String ctx = "seed " + seed;
    List<Round> runs = new ArrayList<>();
    for (int round = 1; round <= rounds; round++) {
      int killAfter = random.nextInt(4) == 0 ? 0 : 1 + random.nextInt(80);
      runs.add(runChild(round, killAfter, false, ctx));
    }
    runs.add(runChild(rounds + 1, 0, true, ctx));

    List<String> log = new ArrayList<>();
    Map<ConsumerOffset, Integer> indexOf = new LinkedHashMap<>();
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      List<ChangeSet> page;
      long from = 1;
      do {
        page = store.changes(from, 500);
        for (ChangeSet cs : page) {
          add(log, indexOf, new ChangeFeedItem.TxBegin(cs.lsn(), cs.txId(), cs.commitTsMicros()));
          for (ChangeEvent e : cs.events()) {
            add(log, indexOf, e);
          }
          add(
              log,
              indexOf,
              new ChangeFeedItem.TxEnd(cs.lsn(), cs.txId(), cs.events().size(), Map.of()));
          from = cs.lsn() + 1;
        }
      } while (!page.isEmpty());
      assertThat(from - 1).isEqualTo(store.currentLsn());
      assertThat(store.consumerOffset(FeedCrashChild.CONSUMER))
          .as("the drained consumer's offset is the last item (%s)", ctx)
          .contains(new ConsumerOffset(store.currentLsn(), ConsumerOffset.TX_END));
    }

    Set<String> union = new HashSet<>();
    int delivered = 0;
    int offsetCommits = 0;
    int readAfterKill = 0;
    int replayed = 0;
    ConsumerOffset expectedStart = ConsumerOffset.START;
    Round previous = null;
    for (int r = 0; r < runs.size(); r++) {
      Round run = runs.get(r);
      String where = "round " + (r + 1) + ", " + ctx;
      if (previous != null && !previous.processed().isEmpty()) {
        ConsumerOffset lastProcessed =
            offsetOfLine(previous.processed().get(previous.processed().size() - 1));
        ConsumerOffset lastAcked =
            previous.commits().isEmpty()
                ? expectedStart
                : previous.commits().get(previous.commits().size() - 1);
        assertThat(run.start())
            .as("restart offset between the last acknowledged and the last processed (%s)", where)
            .isGreaterThanOrEqualTo(lastAcked)
            .isLessThanOrEqualTo(lastProcessed);
        if (run.start().isBefore(lastProcessed)) {
          replayed++;
        }
      } else {
        assertThat(run.start())
            .as("nothing processed: same offset (%s)", where)
            .isEqualTo(expectedStart);
      }
      int pos = run.start().equals(ConsumerOffset.START) ? 0 : indexOf.get(run.start()) + 1;
      for (String line : run.processed()) {
        assertThat(pos).as("delivered only committed items (%s)", where).isLessThan(log.size());
        assertThat(line)
            .as("item %d after the start offset, no gap or duplicate (%s)", pos, where)
            .isEqualTo(log.get(pos));
        pos++;
        union.add(line);
        delivered++;
      }
      for (int i = 0; i < run.commits().size(); i++) {
        assertThat(run.commits().get(i))
            .as("offset committed after processing (%s)", where)
            .isEqualTo(offsetOfLine(run.processed().get(i)));
      }
      offsetCommits += run.commits().size();
      readAfterKill += run.readAfterKill();
      expectedStart =
          run.commits().isEmpty() ? run.start() : run.commits().get(run.commits().size() - 1);
      previous = run;
    }
    assertThat(union).as("processed = the whole changelog (%s)", ctx).hasSize(log.size());
    assertThat(replayed)
        .as("at most one replayed item per crash (%s)", ctx)
        .isLessThanOrEqualTo(rounds);
    assertThat(log.size()).as("the writers committed something (%s)", ctx).isGreaterThan(rounds);
    System.out.printf(
        "ChangeFeedCrashTest: %d SIGKILL rounds, %d changelog items checked (%d change sets), %d"
            + " deliveries and %d acknowledged offset commits checked (%d of these lines read after"
            + " the SIGKILL), %d replayed after a crash, %s%n",
        rounds,
        log.size(),
        indexOf.keySet().stream().mapToLong(ConsumerOffset::lsn).max().orElse(0),
        delivered,
        offsetCommits,
        readAfterKill,
        replayed,
        ctx);
  }

  private static void add(
      List<String> log, Map<ConsumerOffset, Integer> indexOf, ChangeFeedItem i) {
    indexOf.put(io.ormdb.cdc.feed.ChangeFeed.offsetOf(i), log.size());
    log.add(FeedCrashChild.render(i));
  }

  private static ConsumerOffset offsetOfLine(String line) {
    String[] p = line.split(" ");
    return new ConsumerOffset(Long.parseLong(p[0]), Integer.parseInt(p[1]));
  }

  private Round runChild(int round, int killAfter, boolean drain, String ctx) throws Exception {
    List<String> args = new ArrayList<>(List.of(dir.toString(), Integer.toString(round), "4"));
    if (drain) {
      args.add("drain");
    }
    List<String> processed = new CopyOnWriteArrayList<>();
    List<ConsumerOffset> commits = new CopyOnWriteArrayList<>();
    ConsumerOffset[] start = new ConsumerOffset[1];
    int[] afterKill = new int[1];
    CountDownLatch ready = new CountDownLatch(1);
    CountDownLatch enough = new CountDownLatch(1);
    try (ChildJvm child =
        ChildJvm.start(
            FeedCrashChild.class,
            line -> {
              if (line.startsWith("START ")) {
                String[] s = line.split(" ");
                start[0] = new ConsumerOffset(Long.parseLong(s[1]), Integer.parseInt(s[2]));
              } else if (line.equals("READY")) {
                ready.countDown();
              } else if (line.startsWith("E ")) {
                processed.add(line.substring(2));
                if (!drain && processed.size() >= killAfter) {
                  enough.countDown();
                }
              } else if (line.startsWith("C ")) {
                String[] s = line.split(" ");
                commits.add(new ConsumerOffset(Long.parseLong(s[1]), Integer.parseInt(s[2])));
              } else if (line.equals("DONE")) {
                enough.countDown();
              }
            },
            args.toArray(String[]::new))) {
      assertThat(ready.await(60, TimeUnit.SECONDS)).as("child ready (%s)", ctx).isTrue();
      if (killAfter == 0 && !drain) {
        enough.countDown();
      }
      assertThat(enough.await(60, TimeUnit.SECONDS))
          .as("child round %d progressed (%s)", round, ctx)
          .isTrue();
      int beforeKill = processed.size() + commits.size();
      child.kill(); // SIGKILL; returns once every line the child printed was read
      afterKill[0] = processed.size() + commits.size() - beforeKill;
    }
    return new Round(start[0], List.copyOf(processed), List.copyOf(commits), afterKill[0]);
  }
}

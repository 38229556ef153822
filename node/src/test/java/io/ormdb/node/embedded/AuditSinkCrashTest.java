package io.ormdb.node.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.cdc.audit.AuditFiles;
import io.ormdb.cdc.audit.AuditJson;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.ChildJvm;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.journal.ConsumerOffset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
 * The audit sink under SIGKILL: a child JVM runs a node with concurrent writers and the audit sink
 * enabled by configuration (4 KiB files, so rotation happens under the kills too); the parent kills
 * it at random moments, and finally a writer-less child drains the sink and shuts down cleanly. The
 * audit files (a torn last line dropped, as {@link AuditFiles#readLines} does) must then hold every
 * committed change of the store's changelog exactly once, in LSN order, byte for byte as {@link
 * AuditJson} renders it, in files no larger than the limit unless they hold a single line; and
 * every commit a writer saw acknowledged must be in that changelog.
 *
 * <p>Between rounds the parent records whether the files were ahead of the stored consumer offset
 * (lines written and fsynced, offset not yet committed: the case the sink's dedupe handles) and
 * whether the newest file ended in a torn line. {@code -Dormdb.audit.crash.rounds=N} (default 6)
 * sets the number of kills, {@code -Dormdb.audit.crash.seed} the random seed.
 */
class AuditSinkCrashTest {
  @TempDir Path dir;

  /** The LSNs the writers printed as acknowledged, over all rounds. */
  private final Set<Long> acknowledged = ConcurrentHashMap.newKeySet();

  private int acknowledgements;
  private int readAfterKill;

  @Test
  void theAuditFilesHoldEveryCommittedChangeExactlyOnceAcrossSigkills() throws Exception {
    int rounds = Integer.getInteger("ormdb.audit.crash.rounds", 6);
    long seed = Long.getLong("ormdb.audit.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    String ctx = "seed " + seed;
    Path audit = dir.resolve("audit");
    int filesAhead = 0;
    int tornTails = 0;
    for (int round = 1; round <= rounds; round++) {
      int killAfter = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(300);
      runChild(round, killAfter, false, ctx);
      if (tornTail(audit)) {
        tornTails++;
      }
      if (filesAheadOfOffset(audit)) {
        filesAhead++;
      }
    }
    runChild(rounds + 1, 0, true, ctx);

    List<String> expected = new ArrayList<>();
    Set<Long> changeSets = new HashSet<>();
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      long from = 1;
      List<ChangeSet> page;
      do {
        page = store.changes(from, 500);
        for (ChangeSet cs : page) {
          changeSets.add(cs.lsn());
          for (ChangeEvent e : cs.events()) {
            expected.add(AuditJson.lineText(e));
          }
          from = cs.lsn() + 1;
        }
      } while (!page.isEmpty());
    }
    Set<Long> lost = new TreeSet<>(acknowledged);
    lost.removeAll(changeSets);
    assertThat(lost).as("acknowledged commits missing from the changelog (%s)", ctx).isEmpty();
    List<String> lines = AuditFiles.readLines(audit);
    assertThat(expected.size())
        .as("the writers committed something (%s)", ctx)
        .isGreaterThan(rounds);
    assertThat(lines.size()).as("line count (%s)", ctx).isEqualTo(expected.size());
    for (int i = 0; i < expected.size(); i++) {
      assertThat(lines.get(i))
          .as("line %d, exactly once in LSN order (%s)", i, ctx)
          .isEqualTo(expected.get(i));
    }
    List<Path> files = AuditFiles.files(audit);
    for (int f = 0; f < files.size(); f++) {
      assertThat(files.get(f).getFileName().toString()).isEqualTo(AuditFiles.fileName(f + 1));
      if (Files.size(files.get(f)) > AuditCrashChild.MAX_FILE_BYTES) {
        assertThat(Files.readAllLines(files.get(f)))
            .as("only a single line makes a file exceed the limit (%s)", ctx)
            .hasSize(1);
      }
    }
    System.out.printf(
        "AuditSinkCrashTest: %d SIGKILL rounds, %d acknowledged commits (%d of them read after the"
            + " SIGKILL), all in the changelog; %d audit lines checked in %d files, files ahead of"
            + " the stored offset after %d kills, a torn last line after %d, %s%n",
        rounds,
        acknowledgements,
        readAfterKill,
        lines.size(),
        files.size(),
        filesAhead,
        tornTails,
        ctx);
  }

  private static boolean tornTail(Path audit) throws Exception {
    List<Path> files = AuditFiles.files(audit);
    if (files.isEmpty()) {
      return false;
    }
    byte[] b = Files.readAllBytes(files.get(files.size() - 1));
    return b.length > 0 && b[b.length - 1] != '\n';
  }

  /** Whether the last complete line is after the consumer's stored offset. */
  private boolean filesAheadOfOffset(Path audit) throws Exception {
    List<String> lines = AuditFiles.readLines(audit);
    if (lines.isEmpty()) {
      return false;
    }
    ConsumerOffset written = AuditJson.position(lines.get(lines.size() - 1)).orElseThrow();
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      return store.consumerOffset("audit").orElse(ConsumerOffset.START).isBefore(written);
    }
  }

  private void runChild(int round, int killAfter, boolean drain, String ctx) throws Exception {
    List<String> args = new ArrayList<>(List.of(dir.toString(), Integer.toString(round), "4"));
    if (drain) {
      args.add("drain");
    }
    CountDownLatch ready = new CountDownLatch(1);
    CountDownLatch enough = new CountDownLatch(1);
    AtomicInteger acks = new AtomicInteger();
    try (ChildJvm child =
        ChildJvm.start(
            AuditCrashChild.class,
            line -> {
              if (line.equals("READY")) {
                ready.countDown();
              } else if (line.startsWith("A ")) {
                acknowledged.add(Long.parseLong(line.substring(2)));
                if (!drain && acks.incrementAndGet() >= killAfter) {
                  enough.countDown();
                }
              } else if (line.equals("DONE")) {
                enough.countDown();
              }
            },
            args.toArray(String[]::new))) {
      assertThat(ready.await(60, TimeUnit.SECONDS)).as("child ready (%s)", ctx).isTrue();
      if (killAfter == 0 && !drain) {
        enough.countDown();
      }
      assertThat(enough.await(90, TimeUnit.SECONDS))
          .as("child round %d progressed (%s)", round, ctx)
          .isTrue();
      if (drain) {
        assertThat(child.awaitExit(30)).as("drained child exits (%s)", ctx).isTrue();
      } else {
        int beforeKill = acks.get();
        child.kill(); // SIGKILL; returns once every line the child printed was read
        readAfterKill += acks.get() - beforeKill;
      }
    }
    acknowledgements += acks.get();
  }
}

package io.ormdb.store;

import static io.ormdb.store.ReplicaApplyTest.dump;
import static io.ormdb.store.ReplicaApplyTest.follow;
import static io.ormdb.store.ReplicaApplyTest.workload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.schema.SchemaParser;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica follows its primary into a new history epoch (the primary's log lost its tail in a
 * crash): one that has applied nothing the recovery discarded records the epoch in its own file,
 * goes on at the epoch's first LSN, skips the hole in its own changelog reads and keeps the epoch
 * across reopening; one that applied a change set the primary lost is refused with INVALID_LSN
 * saying where the history diverged, and nothing is written.
 */
class ReplicaHistoryEpochTest {
  @TempDir Path dir;

  /** Checkpoints only when asked for: a copy of the open store is what a crash leaves. */
  private static final StoreConfig.Checkpoints ON_REQUEST =
      new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 20, 50, 0);

  private static StoreConfig config(Path d) {
    return StoreConfig.of(d).withCheckpoints(ON_REQUEST);
  }

  /** The crash image of a primary ({@link #crashAfter}). */
  private Path crashed;

  /**
   * A primary with {@code before} batches, a copy of its data directory as a crash would leave it
   * with a log record cut short at its end (a SIGKILL during an append), and {@code after} more
   * batches on the live primary that the crash image does not have, which {@code replicaOfLive}
   * (when not null) follows.
   */
  private void crashAfter(int before, int after, OrmStore replicaOfLive) throws IOException {
    Path live = dir.resolve("live");
    crashed = dir.resolve("crashed");
    Random rnd = new Random(11);
    try (OrmStore p = OrmStore.open(config(live))) {
      p.applySchema(SchemaParser.parse(ReplicaApplyTest.V1));
      p.checkpoint();
      workload(p, rnd, before);
      copyTree(live, crashed);
      workload(p, rnd, after);
      if (replicaOfLive != null) {
        follow(p, replicaOfLive);
      }
    }
    tear(crashed);
  }

  @Test
  void aReplicaAtTheLastKeptLsnRecordsTheEpochAndSkipsTheHoleAfterReopening() throws Exception {
    crashAfter(60, 0, null);
    Path r = dir.resolve("replica");
    long kept;
    long first;
    try (OrmStore primary = OrmStore.open(config(crashed));
        OrmStore replica = OrmStore.openReplica(StoreConfig.of(r))) {
      RecoveryReport report = primary.recoveryReport();
      assertThat(report.historyDiscarded()).isTrue();
      kept = report.openedAtLsn();
      first = report.epochFirstLsn();
      OrmStore.HistoryEpoch epoch = new OrmStore.HistoryEpoch(2, first, kept);
      assertThat(primary.historyEpochs())
          .containsExactly(new OrmStore.HistoryEpoch(1, 1, 0), epoch);
      follow(primary, replica); // up to the last LSN kept: nothing of epoch 2 yet
      assertThat(replica.currentLsn()).isEqualTo(kept);
      assertThat(replica.historyEpochs()).containsExactly(new OrmStore.HistoryEpoch(1, 1, 0));

      workload(primary, new Random(12), 20);
      ChangeSet firstOfEpoch = primary.changes(kept + 1, 1).get(0);
      assertThat(firstOfEpoch.lsn()).isEqualTo(first);
      // without the epoch, the first change set of epoch 2 does not follow
      OrmDbException gap = failure(replica.applyReplicated(firstOfEpoch));
      assertThat(gap.getMessage())
          .isEqualTo(
              "replicated change set " + first + " does not follow the last applied LSN " + kept);

      assertThat(replica.applyReplicatedEpoch(epoch).join()).isTrue();
      assertThat(replica.applyReplicatedEpoch(epoch).join()).as("a repeat is skipped").isFalse();
      assertThat(replica.historyEpochs()).isEqualTo(primary.historyEpochs());
      follow(primary, replica);
      assertThat(replica.currentLsn()).isEqualTo(primary.currentLsn()).isGreaterThan(first);
      assertThat(replica.changes(1, 100_000)).isEqualTo(primary.changes(1, 100_000));
      assertThat(replica.changes(kept, 3))
          .extracting(ChangeSet::lsn)
          .containsExactly(kept, first, first + 1);
      assertThat(dump(replica, replica.currentLsn()))
          .isEqualTo(dump(primary, primary.currentLsn()));
      OrmDbException hole =
          catchThrowableOfType(
              OrmDbException.class, () -> replica.checkReadPosition(kept + 1, "consumer 'c'"));
      assertThat(hole.code()).isEqualTo(ErrorCode.INVALID_LSN);
      assertThat(hole.getMessage()).contains("the history diverged at LSN " + (kept + 1));
    }
    try (OrmStore replica = OrmStore.openReplica(StoreConfig.of(r))) {
      assertThat(replica.historyEpochs())
          .containsExactly(
              new OrmStore.HistoryEpoch(1, 1, 0), new OrmStore.HistoryEpoch(2, first, kept));
      assertThat(replica.changes(kept, 2)).extracting(ChangeSet::lsn).containsExactly(kept, first);
    }
    // the replica's file records the epoch as a primary's does
    MVStore mv =
        new MVStore.Builder()
            .fileName(r.resolve(StoreConfig.FILE_NAME).toString())
            .readOnly()
            .open();
    try {
      Map<String, String> meta = mv.openMap("meta");
      assertThat(meta.get("history.epochs")).isEqualTo("1@1,2@" + first);
      assertThat(meta.get("history.forks")).isEqualTo("2@" + kept);
    } finally {
      mv.close();
    }
  }

  @Test
  void aReplicaBehindTheLastKeptLsnRecordsTheEpochAndAppliesTheRestOfTheOldHistoryFirst()
      throws Exception {
    crashAfter(40, 0, null);
    try (OrmStore primary = OrmStore.open(config(crashed));
        OrmStore replica = OrmStore.openReplica(StoreConfig.inMemory())) {
      workload(primary, new Random(13), 10);
      OrmStore.HistoryEpoch epoch = primary.historyEpochs().get(1);
      List<ChangeSet> sets = primary.changes(1, 100_000);
      replica
          .applyReplicatedSchema(primary.databaseId().orElseThrow(), 1, 0, primary.schemaAt(1))
          .join();
      for (ChangeSet s : sets.subList(0, 5)) {
        replica.applyReplicated(s).join();
      }
      assertThat(replica.applyReplicatedEpoch(epoch).join()).isTrue();
      for (ChangeSet s : sets.subList(5, sets.size())) {
        replica.applyReplicated(s).join();
      }
      assertThat(replica.changes(1, 100_000)).isEqualTo(sets);
      assertThat(dump(replica, replica.currentLsn()))
          .isEqualTo(dump(primary, primary.currentLsn()));
    }
  }

  @Test
  void aReplicaThatAppliedADiscardedChangeSetIsRefusedAndNothingIsWritten() throws Exception {
    Path r = dir.resolve("replica");
    long applied;
    try (OrmStore replica = OrmStore.openReplica(StoreConfig.of(r))) {
      crashAfter(30, 10, replica);
      applied = replica.currentLsn();
    }
    try (OrmStore primary = OrmStore.open(config(crashed));
        OrmStore replica = OrmStore.openReplica(StoreConfig.of(r))) {
      RecoveryReport report = primary.recoveryReport();
      long kept = report.openedAtLsn();
      long first = report.epochFirstLsn();
      assertThat(applied).isGreaterThan(kept).isLessThan(first);
      String expected =
          "the replica has applied LSN "
              + applied
              + ", which the primary no longer has: the history diverged at LSN "
              + (kept + 1)
              + " (epoch 2 begins at LSN "
              + first
              + " after a recovery discarded LSNs "
              + (kept + 1)
              + " to "
              + (first - 1)
              + "); the replica holds change sets after LSN "
              + kept
              + " that are not in the primary's history: re-seed it (an empty data directory, or"
              + " a copy of the primary's)";
      // the primary refuses to stream to it
      OrmDbException refused =
          catchThrowableOfType(OrmDbException.class, () -> primary.checkReplicaPosition(applied));
      assertThat(refused.code()).isEqualTo(ErrorCode.INVALID_LSN);
      assertThat(refused.getMessage()).isEqualTo(expected);
      // and the replica refuses the epoch
      OrmDbException e = failure(replica.applyReplicatedEpoch(primary.historyEpochs().get(1)));
      assertThat(e.getMessage()).isEqualTo(expected);
      assertThat(replica.historyEpochs()).containsExactly(new OrmStore.HistoryEpoch(1, 1, 0));
      assertThat(replica.currentLsn()).isEqualTo(applied);
      primary.checkReplicaPosition(kept); // one at the last LSN kept may follow
    }
    MVStore mv =
        new MVStore.Builder()
            .fileName(r.resolve(StoreConfig.FILE_NAME).toString())
            .readOnly()
            .open();
    try {
      Map<String, String> meta = mv.openMap("meta");
      assertThat(meta.get("history.epochs")).as("nothing written").isNull();
    } finally {
      mv.close();
    }
  }

  @Test
  void anEpochThatDiffersFromTheOneTheReplicaRecordedIsRefused() {
    try (OrmStore replica = OrmStore.openReplica(StoreConfig.inMemory())) {
      assertThat(replica.applyReplicatedEpoch(new OrmStore.HistoryEpoch(2, 5000, 0)).join())
          .isTrue();
      OrmDbException other =
          failure(replica.applyReplicatedEpoch(new OrmStore.HistoryEpoch(2, 7000, 0)));
      assertThat(other.getMessage())
          .isEqualTo(
              "the primary's history epoch 2 begins at LSN 7000 after LSN 0 but the replica's"
                  + " begins at LSN 5000 after LSN 0: the histories diverged at LSN 1; re-seed the"
                  + " replica (an empty data directory, or a copy of the primary's)");
      OrmDbException skipped =
          failure(replica.applyReplicatedEpoch(new OrmStore.HistoryEpoch(4, 9000, 0)));
      assertThat(skipped.getMessage())
          .isEqualTo("replicated history epoch 4 does not follow the replica's epoch 2");
      assertThat(replica.historyEpochs())
          .containsExactly(
              new OrmStore.HistoryEpoch(1, 1, 0), new OrmStore.HistoryEpoch(2, 5000, 0));
    }
    try (OrmStore primary = OrmStore.open(StoreConfig.inMemory())) {
      assertThat(
              catchThrowableOfType(
                  CompletionException.class,
                  () -> primary.applyReplicatedEpoch(new OrmStore.HistoryEpoch(2, 10, 0)).join()))
          .hasMessageContaining("this store is not a replica");
    }
  }

  private static OrmDbException failure(CompletableFuture<?> f) {
    CompletionException e = catchThrowableOfType(CompletionException.class, f::join);
    assertThat(e).as("refused").isNotNull();
    assertThat(e.getCause()).isInstanceOf(OrmDbException.class);
    OrmDbException o = (OrmDbException) e.getCause();
    assertThat(o.code()).isEqualTo(ErrorCode.INVALID_LSN);
    return o;
  }

  /**
   * Appends a log record cut short to the newest segment, as a crash in the middle of an append
   * leaves it: its header announces 4096 bytes, 100 follow.
   */
  static void tear(Path dataDir) throws IOException {
    Path segment;
    try (Stream<Path> s = Files.list(dataDir.resolve("wal"))) {
      segment = s.sorted().reduce((a, b) -> b).orElseThrow();
    }
    byte[] torn = new byte[108];
    torn[2] = 0x10; // a length (4 KiB or 1 MiB, whichever the byte order) that does not fit
    Arrays.fill(torn, 8, torn.length, (byte) 0xAB);
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(f.length());
      f.write(torn);
    }
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }
}

package io.ormdb.cdc.replica;

import static io.ormdb.cdc.replica.ReplicaFollowerTest.awaitEqual;
import static io.ormdb.cdc.replica.ReplicaFollowerTest.writers;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ormdb.cdc.feed.ChangeFeed;
import io.ormdb.cdc.replica.ReplicaFollowerTest.Follower;
import io.ormdb.cdc.replica.ReplicaFollowerTest.Primary;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.store.OrmStore;
import io.ormdb.store.RecoveryReport;
import io.ormdb.store.StoreConfig;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A primary crashes in the middle of a log append (its log ends in a record cut short) and reopens
 * in history epoch 2, on the same port. A replica that had applied everything the primary kept
 * learns the epoch when it reconnects, follows the next commits, skips the hole in its own
 * changelog and keeps the epoch across its own restart; a replica that had applied change sets the
 * primary lost is refused with INVALID_LSN saying where the history diverged, and applies nothing.
 */
class ReplicaEpochFollowerTest {
  @TempDir Path dir;

  /** Checkpoints only when asked for: a copy of the open store is what a crash leaves. */
  private static StoreConfig config(Path d) {
    return StoreConfig.of(d)
        .withCheckpoints(new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 20, 50, 0));
  }

  private static final OrmStore.HistoryEpoch FIRST = new OrmStore.HistoryEpoch(1, 1, 0);

  @Test
  void aReplicaAtTheLastKeptLsnFollowsItsPrimaryIntoANewEpochAndAcrossItsOwnRestart()
      throws Exception {
    Path live = dir.resolve("primary");
    Path crashed = dir.resolve("crashed");
    Path r = dir.resolve("replica");
    Primary primary = Primary.start(config(live), 0);
    Follower follower = null;
    try {
      primary.store().applySchema(SchemaParser.parse(ReplicaFollowerTest.V1));
      primary.store().checkpoint();
      writers(primary.store(), 2, 30, 11);
      follower = Follower.start(r, primary.address());
      awaitEqual(primary.store(), follower);
      long kept = primary.store().currentLsn();

      // the primary dies in the middle of an append; it restarts on the same port in epoch 2
      copyTree(live, crashed);
      int port = primary.port();
      primary.stop();
      tear(crashed);
      primary = Primary.start(config(crashed), port);
      RecoveryReport report = primary.store().recoveryReport();
      assertThat(report.historyDiscarded()).isTrue();
      assertThat(report.openedAtLsn()).isEqualTo(kept);
      long first = report.epochFirstLsn();
      assertThat(first).isGreaterThan(kept + 1);
      List<OrmStore.HistoryEpoch> epochs = primary.store().historyEpochs();
      assertThat(epochs).containsExactly(FIRST, new OrmStore.HistoryEpoch(2, first, kept));

      // the replica learns the epoch when it reconnects, before anything is committed in it
      OrmStore replicaStore = follower.store();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(replicaStore.historyEpochs()).isEqualTo(epochs));

      writers(primary.store(), 2, 30, 12);
      awaitEqual(primary.store(), follower); // rows, changelog (across the hole), schema history
      assertThat(follower.store().changes(kept, 3))
          .extracting(ChangeSet::lsn)
          .containsExactly(kept, first, first + 1);
      // a change feed on the replica goes on from the last LSN kept into the new epoch
      List<Long> fed =
          ChangeFeed.create(follower.kit().system(), follower.store())
              .changes(kept)
              .take(10)
              .map(ChangeEvent::lsn)
              .runWith(Sink.seq(), follower.kit().system())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      assertThat(fed.stream().distinct().toList()).startsWith(kept, first);
      ReplicaStatus status = follower.replica().status();
      assertThat(status.lastError()).isEmpty();
      assertThat(status.appliedLsn()).isEqualTo(primary.store().currentLsn());
      assertThat(status.lagEntries()).isZero();

      // the replica restarts while the primary writes; it keeps the epoch
      follower.stop();
      follower = null;
      writers(primary.store(), 1, 20, 13);
      follower = Follower.start(r, primary.address());
      assertThat(follower.store().historyEpochs()).isEqualTo(epochs);
      writers(primary.store(), 1, 20, 14);
      awaitEqual(primary.store(), follower);
      assertThat(follower.store().changes(kept, 2))
          .extracting(ChangeSet::lsn)
          .containsExactly(kept, first);
      assertThat(follower.replica().status().lastError()).isEmpty();
    } finally {
      if (follower != null) {
        follower.stop();
      }
      primary.stop();
    }
  }

  @Test
  void aReplicaThatAppliedChangeSetsItsPrimaryLostStopsWithInvalidLsn() throws Exception {
    Path live = dir.resolve("primary");
    Path crashed = dir.resolve("crashed");
    Path r = dir.resolve("replica");
    Primary primary = Primary.start(config(live), 0);
    Follower follower = null;
    try {
      primary.store().applySchema(SchemaParser.parse(ReplicaFollowerTest.V1));
      primary.store().checkpoint();
      writers(primary.store(), 1, 20, 21);
      long kept = primary.store().currentLsn();
      copyTree(live, crashed); // the crash image: the commits after this are lost
      writers(primary.store(), 1, 20, 22);
      follower = Follower.start(r, primary.address());
      awaitEqual(primary.store(), follower);
      long applied = follower.store().currentLsn();
      assertThat(applied).isGreaterThan(kept);

      int port = primary.port();
      primary.stop();
      tear(crashed);
      primary = Primary.start(config(crashed), port);
      long first = primary.store().recoveryReport().epochFirstLsn();
      assertThat(primary.store().currentLsn()).isEqualTo(kept);
      writers(primary.store(), 1, 10, 23);

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
              + " that are not in the primary's history: re-seed it";
      Replica replica = follower.replica();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(replica.status().lastError()).startsWith(expected));
      // the refusal is INVALID_LSN
      long ts = follower.store().changes(applied, 1).get(0).commitTsMicros();
      OrmDbException refusal =
          ReplicationSource.check(
              primary.store(),
              new ReplicationSource.Follow(
                  primary.store().databaseId().orElseThrow(), applied + 1, ts, 1, null));
      assertThat(refusal.code()).isEqualTo(ErrorCode.INVALID_LSN);
      assertThat(refusal.getMessage()).startsWith(expected);
      // nothing of the new history was applied
      assertThat(follower.store().currentLsn()).isEqualTo(applied);
      assertThat(follower.store().historyEpochs()).containsExactly(FIRST);
      assertThat(replica.status().connected()).isFalse();
    } finally {
      if (follower != null) {
        follower.stop();
      }
      primary.stop();
    }
  }

  /**
   * Appends a log record cut short to the newest segment of {@code dataDir}'s write-ahead log, as a
   * crash in the middle of an append leaves it: a header whose length does not fit, then bytes.
   */
  static void tear(Path dataDir) throws IOException {
    Path segment;
    try (Stream<Path> s = Files.list(dataDir.resolve("wal"))) {
      segment = s.sorted().reduce((a, b) -> b).orElseThrow();
    }
    byte[] torn = new byte[108];
    torn[2] = 0x10;
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

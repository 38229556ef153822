package io.ormdb.cdc.feed;

import static io.ormdb.cdc.CdcTestData.commit;
import static io.ormdb.cdc.CdcTestData.note;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.cdc.CdcTestData;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.store.OrmStore;
import io.ormdb.store.RecoveryReport;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.journal.ConsumerOffset;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store whose log lost its tail continues in a new history epoch: a feed at the last LSN kept
 * goes on with the new epoch, and a feed or named consumer whose position is in a change set the
 * recovery discarded fails with INVALID_LSN saying where the history diverged.
 */
@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_METHOD)
class DivergedHistoryFeedTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path dir;
  private OrmStore store;
  private ChangeFeed feed;
  private long kept;
  private long first;

  /** 30 notes; the data directory as a crash leaves it, with its log's last 300 bytes zeroed. */
  @BeforeEach
  void recovered() throws Exception {
    Path live = dir.resolve("live");
    Path crashed = dir.resolve("crashed");
    StoreConfig.Checkpoints rare =
        new StoreConfig.Checkpoints(Duration.ofHours(1), 1L << 20, 50, 0);
    try (OrmStore s = OrmStore.open(StoreConfig.of(live).withCheckpoints(rare))) {
      s.applySchema(CdcTestData.schema());
      s.checkpoint();
      for (int i = 1; i <= 30; i++) {
        commit(s, note(i, "note " + i));
      }
      try (Stream<Path> files = Files.walk(live)) {
        for (Path p : files.toList()) {
          Path to = crashed.resolve(live.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
    }
    // the last 300 bytes the log wrote: its segment is preallocated, zeros follow its records
    Path segment;
    try (Stream<Path> s = Files.list(crashed.resolve("wal"))) {
      segment = s.sorted().reduce((a, b) -> b).orElseThrow();
    }
    byte[] written = Files.readAllBytes(segment);
    int end = written.length;
    while (written[end - 1] == 0) {
      end--;
    }
    try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
      f.seek(end - 300);
      f.write(new byte[300]);
    }
    store = OrmStore.open(StoreConfig.of(crashed));
    RecoveryReport r = store.recoveryReport();
    assertThat(r.historyDiscarded()).isTrue();
    kept = r.openedAtLsn();
    first = r.epochFirstLsn();
    assertThat(kept).isLessThan(30);
    feed = ChangeFeed.create(testKit.system(), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private <T> List<T> take(Source<T, ?> source, int n) throws Exception {
    return source
        .take(n)
        .runWith(Sink.seq(), testKit.system())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private OrmDbException failure(Source<?, ?> source) {
    ExecutionException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ExecutionException.class, () -> take(source, 1));
    assertThat(e).as("the stream fails").isNotNull();
    assertThat(e.getCause()).isInstanceOf(OrmDbException.class);
    OrmDbException o = (OrmDbException) e.getCause();
    assertThat(o.code()).isEqualTo(ErrorCode.INVALID_LSN);
    assertThat(o.getMessage()).contains("the history diverged at LSN " + (kept + 1) + " (epoch 2");
    return o;
  }

  @Test
  void aFeedAtTheLastLsnKeptGoesOnWithTheNewEpoch() throws Exception {
    commit(store, note(100, "after"));
    List<ChangeEvent> events = take(feed.changes(kept), 2);
    assertThat(events).extracting(ChangeEvent::lsn).containsExactly(kept, first);
  }

  @Test
  void aFeedPositionInsideADiscardedChangeSetIsRefused() {
    commit(store, note(100, "after"));
    // the first event of the first discarded change set was processed
    Source<ChangeFeedItem, ?> partial =
        feed.itemsAfter(new ConsumerOffset(kept + 1, 0), ChangeFilter.all());
    assertThat(failure(partial).getMessage())
        .contains("the feed position " + (kept + 1) + ":0 has read LSN " + (kept + 1));
    failure(feed.changes(kept + 2));
  }

  @Test
  void aNamedConsumerWhoseStoredOffsetWasDiscardedIsRefused() throws Exception {
    commit(store, note(100, "after"));
    NamedConsumer c = feed.consumer("billing");
    c.commit(new ConsumerOffset(30, ConsumerOffset.TX_END))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    failure(c.resume(ChangeFilter.all()));
  }
}

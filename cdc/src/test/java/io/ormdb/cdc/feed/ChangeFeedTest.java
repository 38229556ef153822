package io.ormdb.cdc.feed;

import static io.ormdb.cdc.CdcTestData.commit;
import static io.ormdb.cdc.CdcTestData.deleteItem;
import static io.ormdb.cdc.CdcTestData.item;
import static io.ormdb.cdc.CdcTestData.note;
import static io.ormdb.cdc.CdcTestData.rename;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.cdc.CdcTestData;
import io.ormdb.cdc.FeedControl;
import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeFeedItem;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.journal.ConsumerOffset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(TestKitJUnit5Extension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangeFeedTest {
  @JUnit5TestKit ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path dir;
  private OrmStore store;
  private ChangeFeed feed;

  @BeforeEach
  void open() {
    store = OrmStore.open(StoreConfig.of(dir));
    store.applySchema(CdcTestData.schema());
    feed = ChangeFeed.create(testKit.system(), store);
  }

  @AfterEach
  void close() {
    store.close();
  }

  private <T> Pair<FeedControl, SinkQueueWithCancel<T>> run(
      org.apache.pekko.stream.javadsl.Source<T, FeedControl> source) {
    return source.toMat(Sink.queue(), Keep.both()).run(testKit.system());
  }

  private static <T> T pull(SinkQueueWithCancel<T> q) throws Exception {
    Optional<T> o = q.pull().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(o).as("an element, not the end of the stream").isPresent();
    return o.get();
  }

  private static String describe(ChangeFeedItem i) {
    if (i instanceof ChangeEvent e) {
      return e.lsn()
          + "."
          + e.index()
          + " "
          + e.op().code()
          + " "
          + e.entity()
          + " "
          + e.id().render();
    }
    if (i instanceof ChangeFeedItem.TxBegin b) {
      return b.lsn() + " begin";
    }
    ChangeFeedItem.TxEnd end = (ChangeFeedItem.TxEnd) i;
    return end.lsn()
        + " end "
        + end.eventCount()
        + " "
        + new java.util.TreeMap<>(end.eventsPerEntity());
  }

  @Test
  void deliversCommittedChangesInOrderThenGoesLiveOnCommits() throws Exception {
    commit(store, item(1, "a"), note(1, "n"));
    commit(store, rename(1, "b"));
    var run = run(feed.changes(0));
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      seen.add(describe(pull(run.second())));
    }
    assertThat(seen).containsExactly("1.0 c Item 1", "1.1 c Note 1", "2.0 u Item 1");
    // nothing more is committed: the next pull waits for the commit notification
    CompletionStage<Optional<ChangeEvent>> next = run.second().pull();
    assertThat(next.toCompletableFuture()).isNotDone();
    commit(store, deleteItem(1));
    assertThat(describe(next.toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow()))
        .isEqualTo("3.0 d Item 1");
    run.first().stop();
    assertThat(run.second().pull().toCompletableFuture().get(10, TimeUnit.SECONDS))
        .as("stopped: the stream completes")
        .isEmpty();
  }

  @Test
  void startsAtTheGivenLsnAndWaitsForAFutureOne() throws Exception {
    for (int i = 1; i <= 4; i++) {
      commit(store, item(i, "x"));
    }
    List<ChangeEvent> from3 =
        feed.changes(3).take(2).runWith(Sink.seq(), testKit.system()).toCompletableFuture().get();
    assertThat(from3).extracting(ChangeEvent::lsn).containsExactly(3L, 4L);
    CompletionStage<List<ChangeEvent>> future =
        feed.changes(6).take(1).runWith(Sink.seq(), testKit.system());
    commit(store, item(5, "x"));
    assertThat(future.toCompletableFuture()).isNotDone();
    commit(store, item(6, "x"));
    assertThat(future.toCompletableFuture().get(10, TimeUnit.SECONDS))
        .extracting(ChangeEvent::lsn)
        .containsExactly(6L);
  }

  @Test
  void filtersByEntityAndOperation() throws Exception {
    commit(store, item(1, "a"), note(1, "n"));
    commit(store, note(2, "m"));
    commit(store, rename(1, "b"), item(2, "c"));
    commit(store, deleteItem(2));
    List<ChangeEvent> items =
        feed.changes(0, ChangeFilter.all().withEntities("Item"))
            .take(4)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(items)
        .extracting(ChangeFeedTest::describe)
        .containsExactly("1.0 c Item 1", "3.0 u Item 1", "3.1 c Item 2", "4.0 d Item 2");
    List<ChangeEvent> creates =
        feed.changes(0, ChangeFilter.all().withOps(ChangeEvent.Op.CREATE))
            .take(4)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(creates)
        .extracting(ChangeFeedTest::describe)
        .containsExactly("1.0 c Item 1", "1.1 c Note 1", "2.0 c Note 2", "3.1 c Item 2");
    commit(
        store,
        new io.ormdb.protocol.mutation.Mutation.Delete(
            "Note", io.ormdb.protocol.value.Value.of(2L), 0));
    List<ChangeEvent> noteDeletes =
        feed.changes(0, ChangeFilter.all().withEntities("Note").withOps(ChangeEvent.Op.DELETE))
            .take(1)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(noteDeletes).extracting(ChangeFeedTest::describe).containsExactly("5.0 d Note 2");
  }

  @Test
  void transactionMarkersFrameEachDeliveredChangeSet() throws Exception {
    commit(store, item(1, "a"), note(1, "n"), item(2, "b"));
    commit(store, note(2, "m")); // filtered out entirely: no markers
    commit(store, rename(1, "z"));
    List<ChangeFeedItem> items =
        feed.items(0, ChangeFilter.all().withEntities("Item").withTxMarkers())
            .take(7)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(items)
        .extracting(ChangeFeedTest::describe)
        .containsExactly(
            "1 begin",
            "1.0 c Item 1",
            "1.2 c Item 2",
            "1 end 3 {Item=2, Note=1}",
            "3 begin",
            "3.0 u Item 1",
            "3 end 1 {Item=1}");
    assertThat(items).extracting(ChangeFeed::offsetOf).isSorted();
  }

  @Test
  void resumesExactlyAfterAPositionInsideAChangeSet() throws Exception {
    commit(store, item(1, "a"), item(2, "b"), item(3, "c"));
    commit(store, item(4, "d"));
    List<ChangeFeedItem> items =
        feed.itemsAfter(new ConsumerOffset(1, 0), ChangeFilter.all().withTxMarkers())
            .take(5)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(items)
        .extracting(ChangeFeedTest::describe)
        .containsExactly(
            "1.1 c Item 2", "1.2 c Item 3", "1 end 3 {Item=3}", "2 begin", "2.0 c Item 4");
  }

  @Test
  void resumingAfterTheLastEventOfAChangeSetStillDeliversItsEndMarker() throws Exception {
    commit(store, item(1, "a"), item(2, "b"));
    commit(store, item(3, "c"));
    List<ChangeFeedItem> items =
        feed.itemsAfter(new ConsumerOffset(1, 1), ChangeFilter.all().withTxMarkers())
            .take(2)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(items)
        .extracting(ChangeFeedTest::describe)
        .containsExactly("1 end 2 {Item=2}", "2 begin");
  }

  @Test
  void namedConsumerResumesFromItsDurableOffset() throws Exception {
    commit(store, item(1, "a"), item(2, "b"));
    commit(store, item(3, "c"));
    NamedConsumer c = feed.consumer("audit");
    assertThat(c.offset()).isEqualTo(ConsumerOffset.START);
    var run = run(c.resume(ChangeFilter.all()));
    ChangeFeedItem first = pull(run.second());
    c.commit(first).toCompletableFuture().get(10, TimeUnit.SECONDS);
    run.first().stop();
    assertThat(c.offset()).isEqualTo(new ConsumerOffset(1, 0));

    // the offset is in the file: reopen the store
    store.close();
    store = OrmStore.open(StoreConfig.of(dir));
    feed = ChangeFeed.create(testKit.system(), store);
    NamedConsumer again = feed.consumer("audit");
    assertThat(again.offset()).isEqualTo(new ConsumerOffset(1, 0));
    List<ChangeFeedItem> rest =
        again
            .resume(ChangeFilter.all())
            .take(2)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(rest)
        .extracting(ChangeFeedTest::describe)
        .containsExactly("1.1 c Item 2", "2.0 c Item 3");
    CompletionStage<Done> done = again.commit(rest.get(1));
    done.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(store.consumerOffset("audit")).contains(new ConsumerOffset(2, 0));

    again.remove().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(store.consumerOffset("audit")).as("forgotten").isEmpty();
    assertThat(again.offset()).isEqualTo(ConsumerOffset.START);
  }

  @Test
  void aSlowConsumerKeepsTheFeedWithinOneReadChunk() throws Exception {
    int chunk = 8;
    int perBatch = 10;
    int batches = 1000; // 10,000 events
    ChangeFeed small =
        new ChangeFeed(
            store, testKit.system().executionContext(), new FeedSettings(chunk, "unused"));
    var run = run(small.changes(0));
    CompletionStage<Optional<ChangeEvent>> firstPull = run.second().pull();
    List<java.util.concurrent.CompletableFuture<?>> commits = new ArrayList<>();
    for (int b = 0; b < batches; b++) {
      List<io.ormdb.protocol.mutation.Mutation> ms = new ArrayList<>();
      for (int i = 0; i < perBatch; i++) {
        ms.add(item((long) b * perBatch + i, "x"));
      }
      commits.add(store.commitAsync(new io.ormdb.protocol.mutation.MutationBatch(ms)));
    }
    java.util.concurrent.CompletableFuture.allOf(
            commits.toArray(new java.util.concurrent.CompletableFuture<?>[0]))
        .get(60, TimeUnit.SECONDS);
    // the whole workload is committed while the consumer has taken one element
    assertThat(store.currentLsn()).isEqualTo(batches);
    long expectedId = 0;
    ChangeEvent e = firstPull.toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
    while (true) {
      assertThat(e.id().asLong()).as("LSN order, no gap, no duplicate").isEqualTo(expectedId);
      assertThat(run.first().buffered()).isLessThanOrEqualTo((long) chunk * perBatch);
      expectedId++;
      if (expectedId == (long) batches * perBatch) {
        break;
      }
      e = pull(run.second());
    }
    assertThat(run.first().maxBuffered())
        .as("never more than one read chunk in flight")
        .isPositive()
        .isLessThanOrEqualTo((long) chunk * perBatch);
    run.first().stop();
  }

  @Test
  void aFeedOlderThanTheChangelogRetentionFailsWithInvalidLsnNamingTheOldest() throws Exception {
    store.close();
    store =
        OrmStore.open(
            StoreConfig.of(dir)
                .withRetention(java.time.Duration.ZERO, java.time.Duration.ZERO)
                .withChangelogRetention(java.time.Duration.ZERO));
    feed = ChangeFeed.create(testKit.system(), store);
    for (int i = 1; i <= 4; i++) {
      commit(store, item(i, "x"));
    }
    store.compact();
    var failed = feed.changes(2).runWith(Sink.seq(), testKit.system()).toCompletableFuture();
    java.util.concurrent.ExecutionException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            java.util.concurrent.ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(io.ormdb.protocol.OrmDbException.class);
    assertThat(((io.ormdb.protocol.OrmDbException) e.getCause()).code())
        .isEqualTo(io.ormdb.protocol.ErrorCode.INVALID_LSN);
    assertThat(e.getCause().getMessage()).contains("the oldest available LSN is 4");
    assertThat(
            feed.changes(4)
                .take(1)
                .runWith(Sink.seq(), testKit.system())
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS))
        .extracting(ChangeEvent::lsn)
        .containsExactly(4L);
  }

  @Test
  void markersAreRefusedOnTheEventOnlySource() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> feed.changes(0, ChangeFilter.all().withTxMarkers()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("use items()");
  }

  @Test
  void eventsCarryTheirChangeSetsImages() throws Exception {
    commit(store, item(7, "a"));
    commit(store, rename(7, "b"));
    List<ChangeEvent> es =
        feed.changes(0)
            .take(2)
            .runWith(Sink.seq(), testKit.system())
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    assertThat(es.get(1).before()).containsEntry("name", io.ormdb.protocol.value.Value.of("a"));
    assertThat(es.get(1).after()).containsEntry("name", io.ormdb.protocol.value.Value.of("b"));
    assertThat(es.get(1).changedFields()).containsExactly("name");
    assertThat(Map.copyOf(es.get(0).after())).containsKey("qty");
  }
}

package io.ormdb.cdc.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ormdb.cdc.CdcTestData;
import io.ormdb.cdc.OrmStoreRegistry;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.journal.JournalEntry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.NoOffset;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadJournalTest {
  @TempDir Path dir;
  private ActorTestKit kit;
  private OrmStore store;
  private OrmDbReadJournal queries;

  @BeforeEach
  void start() {
    store = OrmStore.open(StoreConfig.of(dir));
    store.applySchema(CdcTestData.schema());
    kit =
        ActorTestKit.create(
            "query",
            ConfigFactory.parseString("pekko.loglevel = WARNING")
                .withFallback(ConfigFactory.load()));
    OrmStoreRegistry.get(kit.system()).register(store);
    queries =
        PersistenceQuery.get(Adapter.toClassic(kit.system()))
            .getReadJournalFor(OrmDbReadJournal.class, OrmDbReadJournal.IDENTIFIER);
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
    store.close();
  }

  /** Writes events the way the journal plugin does (a serialized PersistentRepr). */
  private void write(String pid, long seq, String event, String... tags) throws Exception {
    PersistentRepr r = PersistentRepr.apply(event, seq, pid, "", false, null, "w");
    byte[] bytes = SerializationExtension.get(Adapter.toClassic(kit.system())).serialize(r).get();
    store.journal().write(List.of(JournalEntry.toWrite(pid, seq, Set.of(tags), bytes))).get();
  }

  private List<EventEnvelope> all(Source<EventEnvelope, ?> s) throws Exception {
    return s.runWith(Sink.seq(), kit.system()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String d(EventEnvelope e) {
    Object event = e.event() instanceof ChangeSet cs ? "cs" + cs.lsn() : e.event();
    return e.persistenceId() + "/" + e.sequenceNr() + " " + event + " @" + e.offset();
  }

  @Test
  void currentEventsByTagWithExclusiveSequenceOffsets() throws Exception {
    write("a", 1, "a1", "blue");
    write("b", 1, "b1", "red");
    write("a", 2, "a2", "blue", "red");
    assertThat(all(queries.currentEventsByTag("blue", NoOffset.getInstance())))
        .extracting(ReadJournalTest::d)
        .containsExactly("a/1 a1 @Sequence(1)", "a/2 a2 @Sequence(3)");
    assertThat(all(queries.currentEventsByTag("red", Offset.sequence(2))))
        .extracting(ReadJournalTest::d)
        .containsExactly("a/2 a2 @Sequence(3)");
    assertThat(all(queries.currentEventsByTag("green", NoOffset.getInstance()))).isEmpty();
  }

  @Test
  void liveEventsByTagSeeWritesMadeAfterTheyStarted() throws Exception {
    write("a", 1, "a1", "t");
    SinkQueueWithCancel<EventEnvelope> q =
        queries.eventsByTag("t", NoOffset.getInstance()).runWith(Sink.queue(), kit.system());
    assertThat(d(pull(q))).isEqualTo("a/1 a1 @Sequence(1)");
    CompletionStage<Optional<EventEnvelope>> next = q.pull();
    assertThat(next.toCompletableFuture()).isNotDone();
    write("b", 1, "b1", "other");
    write("b", 2, "b2", "t");
    assertThat(d(next.toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow()))
        .isEqualTo("b/2 b2 @Sequence(3)");
    q.cancel();
  }

  @Test
  void eventsByPersistenceIdCurrentAndLive() throws Exception {
    for (int i = 1; i <= 4; i++) {
      write("p", i, "e" + i);
    }
    assertThat(all(queries.currentEventsByPersistenceId("p", 2, 3)))
        .extracting(ReadJournalTest::d)
        .containsExactly("p/2 e2 @Sequence(2)", "p/3 e3 @Sequence(3)");
    SinkQueueWithCancel<EventEnvelope> q =
        queries.eventsByPersistenceId("p", 4, Long.MAX_VALUE).runWith(Sink.queue(), kit.system());
    assertThat(d(pull(q))).isEqualTo("p/4 e4 @Sequence(4)");
    CompletionStage<Optional<EventEnvelope>> next = q.pull();
    write("q", 1, "x");
    assertThat(next.toCompletableFuture()).isNotDone();
    write("p", 5, "e5");
    assertThat(d(next.toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow()))
        .isEqualTo("p/5 e5 @Sequence(6)");
    q.cancel();
  }

  @Test
  void theChangelogTagAndPersistenceIdCarryChangeSetsWithLsnOffsets() throws Exception {
    CdcTestData.items(store, 1, 2);
    CdcTestData.items(store, 10, 1);
    assertThat(all(queries.currentEventsByTag("changelog", Offset.sequence(1))))
        .extracting(ReadJournalTest::d)
        .containsExactly("ormdb-changelog/2 cs2 @Sequence(2)");
    assertThat(all(queries.currentEventsByPersistenceId("ormdb-changelog", 1, Long.MAX_VALUE)))
        .extracting(ReadJournalTest::d)
        .containsExactly(
            "ormdb-changelog/1 cs1 @Sequence(1)", "ormdb-changelog/2 cs2 @Sequence(2)");
    SinkQueueWithCancel<EventEnvelope> q =
        queries.eventsByTag("changelog", Offset.sequence(2)).runWith(Sink.queue(), kit.system());
    CompletionStage<Optional<EventEnvelope>> next = q.pull();
    assertThat(next.toCompletableFuture()).isNotDone();
    CdcTestData.items(store, 20, 1);
    EventEnvelope e = next.toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
    assertThat(d(e)).isEqualTo("ormdb-changelog/3 cs3 @Sequence(3)");
    assertThat(((ChangeSet) e.event()).events()).hasSize(1);
    q.cancel();
  }

  private static EventEnvelope pull(SinkQueueWithCancel<EventEnvelope> q) throws Exception {
    return q.pull().toCompletableFuture().get(10, TimeUnit.SECONDS).orElseThrow();
  }
}

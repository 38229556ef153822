package io.ormdb.store.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.StoreTestSupport;
import io.ormdb.store.TestSchemas;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalStorageTest {
  @TempDir Path dir;

  private static JournalEntry e(String pid, long seq, String payload, String... tags) {
    return JournalEntry.toWrite(pid, seq, Set.of(tags), payload.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> replay(JournalStorage j, String pid, long from, long to, long max) {
    List<String> out = new ArrayList<>();
    j.replay(
        pid,
        from,
        to,
        max,
        x -> out.add(x.sequenceNr() + ":" + new String(x.payload(), StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void writeReplayRangesAndMax() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      JournalStorage j = store.journal();
      List<Long> orderings =
          j.write(List.of(e("a", 1, "a1"), e("a", 2, "a2"), e("ab", 1, "ab1"), e("a", 3, "a3")))
              .get();
      assertThat(orderings).containsExactly(1L, 2L, 3L, 4L);
      assertThat(replay(j, "a", 1, Long.MAX_VALUE, Long.MAX_VALUE))
          .containsExactly("1:a1", "2:a2", "3:a3");
      assertThat(replay(j, "a", 2, 2, 10)).containsExactly("2:a2");
      assertThat(replay(j, "a", 1, 3, 2)).containsExactly("1:a1", "2:a2");
      assertThat(replay(j, "a", 4, 10, 10)).isEmpty();
      assertThat(replay(j, "ab", 0, 10, 10)).as("no prefix bleed").containsExactly("1:ab1");
      assertThat(replay(j, "", 0, 10, 10)).isEmpty();
      assertThat(j.highestSequenceNr("a")).isEqualTo(3);
      assertThat(j.highestSequenceNr("nobody")).isZero();
      assertThat(j.currentOrdering()).isEqualTo(4);
    }
  }

  @Test
  void highestSequenceNrSurvivesDeleteAndRestart() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      JournalStorage j = store.journal();
      j.write(List.of(e("p", 1, "x", "t"), e("p", 2, "y", "t"), e("p", 3, "z", "t"))).get();
      j.deleteTo("p", 2).get();
      assertThat(replay(j, "p", 0, 10, 10)).containsExactly("3:z");
      assertThat(j.eventsByTag("t", 0, Long.MAX_VALUE, 10))
          .as("deleted events leave the tag index")
          .extracting(JournalEntry::sequenceNr)
          .containsExactly(3L);
      j.deleteTo("p", Long.MAX_VALUE).get();
      assertThat(replay(j, "p", 0, 10, 10)).isEmpty();
      assertThat(j.highestSequenceNr("p")).isEqualTo(3);
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      JournalStorage j = store.journal();
      assertThat(j.highestSequenceNr("p")).isEqualTo(3);
      assertThat(j.currentOrdering()).as("ordering counter is durable").isEqualTo(3);
      assertThat(j.write(List.of(e("q", 1, "q1"))).get()).containsExactly(4L);
    }
  }

  @Test
  void eventsByTagInGlobalOrderWithBoundsAndPaging() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      JournalStorage j = store.journal();
      j.write(List.of(e("a", 1, "a1", "red"), e("b", 1, "b1", "red", "blue"))).get();
      j.write(List.of(e("a", 2, "a2", "blue"), e("c", 1, "c1", "red"))).get();
      assertThat(j.eventsByTag("red", 0, Long.MAX_VALUE, 100))
          .extracting(x -> x.persistenceId() + x.sequenceNr() + "@" + x.ordering())
          .containsExactly("a1@1", "b1@2", "c1@4");
      assertThat(j.eventsByTag("red", 1, Long.MAX_VALUE, 1))
          .extracting(JournalEntry::ordering)
          .containsExactly(2L);
      assertThat(j.eventsByTag("red", 0, 3, 100))
          .extracting(JournalEntry::ordering)
          .containsExactly(1L, 2L);
      assertThat(j.eventsByTag("blue", 0, Long.MAX_VALUE, 100))
          .extracting(JournalEntry::tags)
          .containsExactly(Set.of("red", "blue"), Set.of("blue"));
      assertThat(j.eventsByTag("green", 0, Long.MAX_VALUE, 100)).isEmpty();
    }
  }

  @Test
  void orderingWaitersWakeOnWrites() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      JournalStorage j = store.journal();
      CompletableFuture<Long> w = j.orderingAfter(0);
      assertThat(w).isNotDone();
      j.write(List.of(e("a", 1, "x"))).get();
      assertThat(w.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
  }

  @Test
  void journalWritesAndBatchesShareGroupCommits() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(TestSchemas.blog());
      List<CompletableFuture<?>> all = new ArrayList<>();
      for (int i = 1; i <= 200; i++) {
        all.add(store.journal().write(List.of(e("p", i, "x"))));
        all.add(
            store.commitAsync(
                io.ormdb.protocol.mutation.MutationBatch.of(
                    StoreTestSupport.insert("Comment", "id", (long) i, "body", "b"))));
      }
      CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get();
      assertThat(store.stats().syncs()).as("grouped fsyncs").isLessThan(400);
      assertThat(store.journal().highestSequenceNr("p")).isEqualTo(200);
      assertThat(store.currentLsn()).isEqualTo(200);
    }
  }

  @Test
  void writesFailWhenTheStoreIsClosed() {
    OrmStore store = OrmStore.open(StoreConfig.inMemory());
    JournalStorage j = store.journal();
    store.close();
    ExecutionException ex =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ExecutionException.class, () -> j.write(List.of(e("a", 1, "x"))).get());
    assertThat(ex.getCause()).isInstanceOf(OrmDbException.class).hasMessage("the store is closed");
  }

  @Test
  void snapshotsSaveLoadByCriteriaAndDelete() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      JournalStorage j = store.journal();
      for (long s : new long[] {10, 20, 30}) {
        j.saveSnapshot(new SnapshotEntry("p", s, 1000 + s, ("s" + s).getBytes())).get();
      }
      j.saveSnapshot(new SnapshotEntry("p2", 99, 5000, "other".getBytes())).get();
      assertThat(j.loadSnapshot("p", SnapshotCriteria.LATEST))
          .get()
          .extracting(SnapshotEntry::sequenceNr)
          .isEqualTo(30L);
      assertThat(j.loadSnapshot("p", new SnapshotCriteria(25, Long.MAX_VALUE, 0, 0)))
          .get()
          .extracting(SnapshotEntry::sequenceNr)
          .isEqualTo(20L);
      assertThat(j.loadSnapshot("p", new SnapshotCriteria(Long.MAX_VALUE, 1015, 0, 0)))
          .get()
          .extracting(SnapshotEntry::sequenceNr)
          .isEqualTo(10L);
      assertThat(j.loadSnapshot("p", new SnapshotCriteria(Long.MAX_VALUE, Long.MAX_VALUE, 31, 0)))
          .isEmpty();
      assertThat(j.loadSnapshot("nobody", SnapshotCriteria.LATEST)).isEmpty();
      j.deleteSnapshot("p", 30, 999).get(); // wrong timestamp: kept
      assertThat(j.loadSnapshot("p", SnapshotCriteria.LATEST).get().sequenceNr()).isEqualTo(30);
      j.deleteSnapshot("p", 30, 0).get();
      assertThat(j.loadSnapshot("p", SnapshotCriteria.LATEST).get().sequenceNr()).isEqualTo(20);
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      JournalStorage j = store.journal();
      SnapshotEntry s = j.loadSnapshot("p", SnapshotCriteria.LATEST).orElseThrow();
      assertThat(new String(s.payload())).isEqualTo("s20");
      assertThat(s.timestampMillis()).isEqualTo(1020);
      j.deleteSnapshots("p", new SnapshotCriteria(20, Long.MAX_VALUE, 0, 0)).get();
      assertThat(j.loadSnapshot("p", SnapshotCriteria.LATEST)).isEmpty();
      assertThat(j.loadSnapshot("p2", SnapshotCriteria.LATEST)).isPresent();
    }
  }
}

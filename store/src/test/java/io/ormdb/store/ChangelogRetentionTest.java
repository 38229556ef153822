package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.store.journal.ConsumerOffset;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChangelogRetentionTest {
  @TempDir Path dir;

  @Test
  void byDefaultTheWholeChangelogIsKept() {
    try (OrmStore store =
        OrmStore.open(StoreConfig.of(dir).withRetention(Duration.ZERO, Duration.ZERO))) {
      store.applySchema(TestSchemas.blog());
      for (long i = 1; i <= 5; i++) {
        commit(store, insert("Comment", "id", i, "body", "b"));
      }
      store.compact();
      assertThat(store.oldestChangelogLsn()).isEqualTo(1);
      assertThat(store.changes(1, 10)).hasSize(5);
    }
  }

  @Test
  void compactionTruncatesOlderEntriesAndOlderReadsFailNamingTheOldest() {
    StoreConfig config =
        StoreConfig.of(dir)
            .withRetention(Duration.ZERO, Duration.ZERO)
            .withChangelogRetention(Duration.ZERO);
    try (OrmStore store = OrmStore.open(config)) {
      store.applySchema(TestSchemas.blog());
      for (long i = 1; i <= 5; i++) {
        commit(store, insert("Comment", "id", i, "body", "b"));
      }
      assertThat(store.changes(1, 10)).as("nothing truncated before compaction").hasSize(5);
      store.compact();
      assertThat(store.oldestChangelogLsn()).as("the newest entry is always kept").isEqualTo(5);
      assertThat(store.changes(5, 10)).extracting(ChangeSet::lsn).containsExactly(5L);
      OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> store.changes(4, 10));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LSN);
      assertThat(e.getMessage())
          .isEqualTo(
              "the changelog from lsn 4 is no longer retained: the oldest available LSN is 5"
                  + " and the newest is 5");
      assertThat(catchThrowableOfType(OrmDbException.class, () -> store.changes(0, 10)).code())
          .isEqualTo(ErrorCode.INVALID_LSN);
      // tables and as-of reads are untouched by changelog truncation
      assertThat(StoreTestSupport.all(store, "Comment")).hasSize(5);
      commit(store, insert("Comment", "id", 6L, "body", "b"));
      assertThat(store.changes(5, 10)).extracting(ChangeSet::lsn).containsExactly(5L, 6L);
    }
    // the truncation point is durable; recovery still finds the newest entry
    try (OrmStore store = OrmStore.open(config)) {
      assertThat(store.oldestChangelogLsn()).isEqualTo(5);
      assertThat(store.currentLsn()).isEqualTo(6);
      commit(store, insert("Comment", "id", 7L, "body", "b"));
      assertThat(store.changes(5, 10)).extracting(ChangeSet::lsn).containsExactly(5L, 6L, 7L);
    }
  }

  @Test
  void entriesYoungerThanTheRetentionStay() {
    StoreConfig config =
        StoreConfig.of(dir)
            .withRetention(Duration.ZERO, Duration.ZERO)
            .withChangelogRetention(Duration.ofHours(1));
    try (OrmStore store = OrmStore.open(config)) {
      store.applySchema(TestSchemas.blog());
      for (long i = 1; i <= 3; i++) {
        commit(store, insert("Comment", "id", i, "body", "b"));
      }
      store.compact();
      assertThat(store.oldestChangelogLsn()).isEqualTo(1);
      List<ChangeSet> all = store.changes(1, 10);
      assertThat(all).hasSize(3);
    }
  }

  @Test
  void aggregatesStillWorkWhenTheirCatchUpFellBehindRetention() {
    StoreConfig config =
        StoreConfig.inMemory()
            .withRetention(Duration.ZERO, Duration.ZERO)
            .withChangelogRetention(Duration.ZERO);
    try (OrmStore store = OrmStore.open(config)) {
      store.applySchema(TestSchemas.blog());
      io.ormdb.protocol.query.AggregateQuery count =
          new io.ormdb.protocol.query.AggregateQuery(
              "Comment",
              List.of(
                  new io.ormdb.protocol.query.AggregateQuery.Aggregation(
                      io.ormdb.protocol.query.AggregateQuery.Function.COUNT, null)),
              null,
              List.of(),
              null);
      commit(store, insert("Comment", "id", 1L, "body", "b"));
      assertThat(store.aggregate(count).rows().get(0).get(0).asLong()).isEqualTo(1);
      for (long i = 2; i <= 5; i++) {
        commit(store, insert("Comment", "id", i, "body", "b"));
      }
      store.compact(); // the columns' next catch-up would start below the oldest entry
      assertThat(store.aggregate(count).rows().get(0).get(0).asLong()).isEqualTo(5);
      store.compact();
      assertThat(StoreTestSupport.all(store, "Comment")).hasSize(5);
    }
  }

  /**
   * Named consumers' stored offsets hold back what they still need — the change set of an offset
   * inside it, the next one after an end marker, the oldest over all consumers — until the entries
   * are older than the hold; removing a consumer releases it, and a zero hold holds nothing.
   */
  @Test
  void namedConsumersHoldTheChangelogTheyStillNeed() {
    StoreConfig config =
        StoreConfig.of(dir)
            .withRetention(Duration.ZERO, Duration.ZERO)
            .withChangelogRetention(Duration.ZERO)
            .withConsumerHold(Duration.ofHours(1));
    try (OrmStore store = OrmStore.open(config)) {
      store.applySchema(TestSchemas.blog());
      for (long i = 1; i <= 8; i++) {
        commit(store, insert("Comment", "id", i, "body", "b")); // LSNs 1..8
      }
      store.commitOffset("slow", new ConsumerOffset(3, ConsumerOffset.TX_END)).join();
      store.commitOffset("mid", new ConsumerOffset(6, 0)).join();
      store.compact();
      assertThat(store.oldestChangelogLsn()).as("the slowest needs LSN 4 on").isEqualTo(4);
      assertThat(store.changes(4, 10)).extracting(ChangeSet::lsn).startsWith(4L, 5L);

      store.removeConsumerOffset("slow").join();
      store.compact();
      assertThat(store.oldestChangelogLsn()).as("mid is inside LSN 6").isEqualTo(6);

      store.commitOffset("mid", new ConsumerOffset(8, ConsumerOffset.TX_END)).join();
      store.compact();
      assertThat(store.oldestChangelogLsn()).as("the newest entry is always kept").isEqualTo(8);
    }
    // the hold is over: offsets no longer keep anything
    try (OrmStore store = OrmStore.open(config.withConsumerHold(Duration.ZERO))) {
      for (long i = 9; i <= 11; i++) {
        commit(store, insert("Comment", "id", i, "body", "b")); // LSNs 9..11
      }
      store.commitOffset("stuck", ConsumerOffset.START).join();
      store.compact();
      assertThat(store.oldestChangelogLsn()).isEqualTo(11);
    }
  }

  @Test
  void aConsumerHoldsNoLongerThanTheHold() {
    StoreConfig config =
        StoreConfig.inMemory()
            .withRetention(Duration.ZERO, Duration.ZERO)
            .withChangelogRetention(Duration.ZERO)
            .withConsumerHold(Duration.ofSeconds(1));
    try (OrmStore store = OrmStore.open(config)) {
      store.applySchema(TestSchemas.blog());
      commit(store, insert("Comment", "id", 1L, "body", "b"));
      commit(store, insert("Comment", "id", 2L, "body", "b"));
      store.commitOffset("gone", ConsumerOffset.START).join();
      store.compact();
      assertThat(store.oldestChangelogLsn()).as("held").isEqualTo(1);
      commit(store, insert("Comment", "id", 3L, "body", "b"));
      // once the entries are older than retention + hold, compaction releases them
      await()
          .atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () -> {
                store.compact();
                assertThat(store.oldestChangelogLsn()).as("released by age").isEqualTo(3);
              });
    }
  }
}

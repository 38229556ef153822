package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.change.ChangeSet;
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
}

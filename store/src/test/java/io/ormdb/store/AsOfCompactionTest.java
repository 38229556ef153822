package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static io.ormdb.store.StoreTestSupport.list;
import static io.ormdb.store.StoreTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AsOfCompactionTest {
  @TempDir Path dir;

  private OrmStore open(Duration retention) {
    OrmStore s = OrmStore.open(StoreConfig.of(dir).withRetention(retention, Duration.ZERO));
    if (s.schemaVersions().isEmpty()) {
      s.applySchema(TestSchemas.blog());
    }
    return s;
  }

  @Test
  void snapshotAtReturnsTheStateRightAfterThatBatch() {
    try (OrmStore store = open(Duration.ofMinutes(10))) {
      Value id =
          commit(store, insert("User", "email", "a@x.io", "name", "v1")).insertedIds().get(0);
      for (int i = 2; i <= 5; i++) {
        commit(store, new Mutation.Update("User", id, m("name", "v" + i), 0));
      }
      commit(store, new Mutation.Delete("User", id, 0));
      for (long lsn = 1; lsn <= 5; lsn++) {
        try (ReadView v = store.snapshotAt(lsn)) {
          assertThat(v.lsn()).isEqualTo(lsn);
          Row r = v.get("User", id).orElseThrow();
          assertThat(r.get("name")).isEqualTo(Value.of("v" + lsn));
          assertThat(r.version()).isEqualTo(lsn);
          assertThat(list(v.scan("User"))).hasSize(1);
          assertThat(
                  list(
                      v.indexScan(
                          "User", "User_email_key", KeyRange.eq(Value.of("a@x.io")), false)))
              .extracting(x -> x.get("name"))
              .containsExactly(Value.of("v" + lsn));
        }
      }
      try (ReadView v = store.snapshotAt(6)) {
        assertThat(v.get("User", id)).isEmpty();
      }
      try (ReadView v = store.snapshotAt(0)) {
        assertThat(list(v.scan("User"))).isEmpty();
      }
      OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> store.snapshotAt(7));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LSN);
      assertThat(e.getMessage())
          .isEqualTo("lsn 7 is not available: the oldest available LSN is 0 and the newest is 6");
    }
  }

  @Test
  void compactionRemovesOldVersionsAndTombstonesAndMovesTheRetentionHorizon() {
    try (OrmStore store = open(Duration.ZERO)) {
      Value keep =
          commit(store, insert("User", "email", "k@x.io", "name", "k0")).insertedIds().get(0);
      Value gone =
          commit(store, insert("User", "email", "g@x.io", "name", "g")).insertedIds().get(0);
      for (int i = 1; i <= 5; i++) {
        commit(
            store,
            new Mutation.Update("User", keep, m("name", "k" + i, "email", "k" + i + "@x.io"), 0));
      }
      commit(store, new Mutation.Delete("User", gone, 0));
      long lsn = store.currentLsn();
      ReadView old = store.snapshotAt(2); // a reader holding an old view keeps reading it
      long removed = store.compact();
      // keep: 6 versions -> 1; gone: insert + tombstone -> 0
      assertThat(removed).isEqualTo(7);
      assertThat(store.oldestRetainedLsn()).isEqualTo(lsn);
      assertThat(store.stats().versionsRemoved()).isEqualTo(7);
      OrmDbException e = catchThrowableOfType(OrmDbException.class, () -> store.snapshotAt(2));
      assertThat(e.code()).isEqualTo(ErrorCode.INVALID_LSN);
      assertThat(e.getMessage())
          .isEqualTo(
              "lsn 2 is not available: the oldest available LSN is "
                  + lsn
                  + " and the newest is "
                  + lsn);
      assertThat(old.get("User", keep).orElseThrow().get("name")).isEqualTo(Value.of("k0"));
      assertThat(old.get("User", gone)).isPresent();
      old.close();
      try (ReadView v = store.snapshot()) {
        assertThat(v.get("User", keep).orElseThrow().get("name")).isEqualTo(Value.of("k5"));
        assertThat(list(v.scan("User"))).hasSize(1);
        // stale index entries went with the versions; the live one stays
        assertThat(list(v.indexScan("User", "User_email_key", KeyRange.all(), false)))
            .extracting(r -> r.get("email"))
            .containsExactly(Value.of("k5@x.io"));
      }
      assertThat(store.compact()).isZero();
    }
    // the horizon survives a restart
    try (OrmStore store = open(Duration.ZERO)) {
      assertThat(store.oldestRetainedLsn()).isEqualTo(store.currentLsn());
      assertThat(all(store, "User")).hasSize(1);
    }
  }

  @Test
  void backgroundCompactionRunsOnItsInterval() {
    try (OrmStore store =
        OrmStore.open(StoreConfig.of(dir).withRetention(Duration.ZERO, Duration.ofMillis(20)))) {
      store.applySchema(TestSchemas.blog());
      Value id = commit(store, insert("User", "email", "a@x.io", "name", "n")).insertedIds().get(0);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      int i = 0;
      while (store.stats().versionsRemoved() == 0 && System.nanoTime() < deadline) {
        commit(store, new Mutation.Update("User", id, m("name", "n" + i++), 0));
      }
      assertThat(store.stats().versionsRemoved()).isPositive();
      assertThat(store.oldestRetainedLsn()).isPositive();
    }
  }

  @Test
  void compactionRunsWhileReadersAndWritersKeepGoing() throws Exception {
    try (OrmStore store = open(Duration.ZERO)) {
      List<Value> ids = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        ids.add(
            commit(store, insert("User", "email", i + "@x.io", "name", "n", "age", 0))
                .insertedIds()
                .get(0));
      }
      ExecutorService pool = Executors.newFixedThreadPool(3);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong reads = new AtomicLong();
      AtomicLong bad = new AtomicLong();
      Future<?> writer =
          pool.submit(
              () -> {
                for (int round = 1; !stop.get(); round++) {
                  List<Mutation> ms = new ArrayList<>();
                  for (Value id : ids) {
                    ms.add(new Mutation.Update("User", id, m("age", round), 0));
                  }
                  store.commit(new io.ormdb.protocol.mutation.MutationBatch(ms));
                }
                return null;
              });
      Future<?> reader =
          pool.submit(
              () -> {
                while (!stop.get()) {
                  try (ReadView v = store.snapshot()) {
                    List<Row> rows = list(v.scan("User"));
                    long first = rows.get(0).get("age").asLong();
                    // all 50 rows were updated by one batch each time: one value per snapshot
                    if (rows.size() != 50
                        || rows.stream().anyMatch(r -> r.get("age").asLong() != first)) {
                      bad.incrementAndGet();
                    }
                    reads.incrementAndGet();
                  }
                }
                return null;
              });
      long removed = 0;
      for (int i = 0; i < 20; i++) {
        removed += store.compact();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (reads.get() < 200 && System.nanoTime() < deadline) {
        removed += store.compact();
      }
      stop.set(true);
      writer.get(30, TimeUnit.SECONDS);
      reader.get(30, TimeUnit.SECONDS);
      pool.shutdown();
      assertThat(bad.get()).isZero();
      assertThat(reads.get()).isGreaterThanOrEqualTo(200);
      assertThat(removed).isPositive();
    }
  }
}

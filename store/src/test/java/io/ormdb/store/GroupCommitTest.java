package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GroupCommitTest {
  @TempDir Path dir;

  private static final int THREADS = 16;
  private static final int PER_THREAD = 40;

  private Set<Long> hammer(OrmStore store) throws Exception {
    Set<Long> lsns = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      fs.add(
          pool.submit(
              () -> {
                start.await();
                for (int i = 0; i < PER_THREAD; i++) {
                  MutationResult r =
                      store.commit(
                          MutationBatch.of(
                              insert("User", "email", thread + "-" + i + "@x.io", "name", "n")));
                  lsns.add(r.lsn());
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    return lsns;
  }

  @Test
  void concurrentCommittersShareFsyncs() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(TestSchemas.blog());
      long syncsBefore = store.stats().syncs();
      Set<Long> lsns = hammer(store);
      int commits = THREADS * PER_THREAD;
      assertThat(lsns).hasSize(commits); // distinct, gap-free LSNs
      assertThat(lsns.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(commits);
      StoreStats s = store.stats();
      long syncs = s.syncs() - syncsBefore;
      assertThat(s.batchesCommitted()).isEqualTo(commits);
      System.out.println("group commit: " + commits + " commits, " + syncs + " fsyncs");
      assertThat(syncs).as("fsyncs for %d commits", commits).isLessThanOrEqualTo(commits / 4);
      assertThat(syncs).isPositive();
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(all(store, "User")).hasSize(THREADS * PER_THREAD);
    }
  }

  @Test
  void asyncModeAcknowledgesBeforeSyncAndLosesNothingOnCleanClose() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir).withAsync(50))) {
      store.applySchema(TestSchemas.blog());
      long syncsBefore = store.stats().syncs();
      hammer(store);
      long syncs = store.stats().syncs() - syncsBefore;
      assertThat(syncs).isLessThan(THREADS * PER_THREAD / 4);
    }
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      assertThat(all(store, "User")).hasSize(THREADS * PER_THREAD);
      assertThat(store.changes(1, 10_000)).hasSize(THREADS * PER_THREAD);
    }
  }

  @Test
  void aFailingBatchInAGroupDoesNotAffectTheOthers() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(TestSchemas.blog());
      List<java.util.concurrent.CompletableFuture<MutationResult>> fs = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        String email = i % 5 == 4 ? "dup@x.io" : i + "@x.io";
        fs.add(store.commitAsync(MutationBatch.of(insert("User", "email", email, "name", "n"))));
      }
      int ok = 0;
      int failed = 0;
      for (var f : fs) {
        try {
          f.get();
          ok++;
        } catch (java.util.concurrent.ExecutionException e) {
          failed++;
        }
      }
      assertThat(ok).isEqualTo(41);
      assertThat(failed).isEqualTo(9);
      assertThat(all(store, "User")).hasSize(41);
      assertThat(store.currentLsn()).isEqualTo(41);
    }
  }
}

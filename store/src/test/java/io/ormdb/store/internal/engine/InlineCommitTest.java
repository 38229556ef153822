package io.ormdb.store.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller that waits for its commit runs it on its own thread when nothing is queued or running,
 * and is queued behind anything submitted before it otherwise: never reordered, never inline on an
 * interrupted thread or inside the writer.
 */
class InlineCommitTest {
  @TempDir Path dir;

  private static MutationBatch insert(long id) {
    return MutationBatch.of(new Mutation.Insert("T", Map.of("id", Value.of(id))));
  }

  private Engine open() {
    Engine engine = Engine.open(StoreConfig.of(dir));
    engine.applySchema(SchemaParser.parse("entity T {\n id int64 @id\n}\n")).join();
    return engine;
  }

  /**
   * Runs {@code work} through runOrSubmit until a try runs it on this thread — the committer thread
   * holds the writer's lock for a moment now and then (idle work), when a try is queued instead —
   * and checks that the task was done when runOrSubmit returned.
   */
  private static void inline(Engine engine, Runnable work) {
    Thread caller = Thread.currentThread();
    for (int i = 0; i < 1000; i++) {
      Task.Write<Thread> t =
          new Task.Write<>(
              () -> {
                if (Thread.currentThread() == caller) {
                  work.run();
                }
                return Thread.currentThread();
              });
      engine.committer().runOrSubmit(t);
      boolean doneAtReturn = t.future().isDone();
      if (t.future().join() == caller) {
        assertThat(doneAtReturn).as("done when runOrSubmit returns").isTrue();
        return;
      }
      LockSupport.parkNanos(1_000_000);
    }
    throw new AssertionError("a waiting caller never committed on its own thread");
  }

  @Test
  void onAnIdleStoreTheWaitingCallerCommitsOnItsOwnThread() {
    try (Engine engine = open()) {
      inline(engine, () -> {});
      boolean inlineCommit = false;
      for (long id = 1; id <= 1000 && !inlineCommit; id++) {
        CompletableFuture<MutationResult> f = engine.commitWaiting(insert(id));
        inlineCommit = f.isDone();
        assertThat(f.join().lsn()).isEqualTo(id);
      }
      assertThat(inlineCommit).as("a commit done when commitWaiting returned").isTrue();
    }
  }

  @Test
  void aWaitingCommitRunsAfterWhatWasSubmittedBeforeIt() throws Exception {
    try (Engine engine = open()) {
      CountDownLatch running = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      CompletableFuture<Void> busy =
          engine.runOnCommitter(
              () -> {
                running.countDown();
                try {
                  release.await();
                } catch (InterruptedException e) {
                  throw new IllegalStateException(e);
                }
                return true;
              });
      await().until(() -> running.getCount() == 0);
      CompletableFuture<MutationResult> first = engine.commit(insert(1));
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      CompletableFuture<MutationResult> second = new CompletableFuture<>();
      Thread caller =
          new Thread(
              () -> {
                Task.Write<Thread> w = new Task.Write<>(Thread::currentThread);
                engine.committer().runOrSubmit(w);
                ranOn.set(w.future().join());
                engine
                    .commitWaiting(insert(2))
                    .whenComplete(
                        (r, e) -> {
                          if (e != null) {
                            second.completeExceptionally(e);
                          } else {
                            second.complete(r);
                          }
                        });
              },
              "waiting-caller");
      caller.start();
      await().until(() -> caller.getState() == Thread.State.WAITING || !caller.isAlive());
      assertThat(first).isNotDone();
      release.countDown();
      busy.join();
      caller.join();
      assertThat(ranOn.get()).as("queued behind the busy writer").isNotSameAs(caller);
      assertThat(first.join().lsn()).isLessThan(second.join().lsn());
    }
  }

  @Test
  void anInterruptedCallerIsQueuedAndKeepsItsInterrupt() {
    try (Engine engine = open()) {
      Thread.currentThread().interrupt();
      try {
        Task.Write<Thread> t = new Task.Write<>(Thread::currentThread);
        engine.committer().runOrSubmit(t);
        assertThat(t.future().join()).isNotSameAs(Thread.currentThread());
        assertThat(Thread.currentThread().isInterrupted()).isTrue();
      } finally {
        Thread.interrupted();
      }
      // the store is unharmed: the next commit is inline and durable
      assertThat(engine.commitWaiting(insert(1)).join().lsn()).isPositive();
    }
  }

  @Test
  void aCallerInterruptedDuringItsInlineCommitLeavesTheLogOpen() {
    try (Engine engine = open()) {
      // the write interrupts its own thread: the log's append and fsync then run interrupted;
      // it writes the maps, so that the group has a log record to append and sync
      try {
        inline(
            engine,
            () -> {
              engine.columnMeta().put(new byte[] {1}, new byte[] {2});
              Thread.currentThread().interrupt();
            });
        assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept").isTrue();
      } finally {
        Thread.interrupted();
      }
      assertThat(engine.committer().broken()).isNull();
      long lsn = engine.commitWaiting(insert(1)).join().lsn();
      assertThat(lsn).isPositive();
    }
    try (Engine engine = open()) {
      assertThat(engine.currentLsn()).as("durable across a reopen").isEqualTo(1);
      assertThat(engine.columnMeta().get(new byte[] {1})).containsExactly(2);
    }
  }

  @Test
  void aCommitFromInsideTheWriterIsQueuedNotNested() {
    try (Engine engine = open()) {
      AtomicReference<CompletableFuture<MutationResult>> nested = new AtomicReference<>();
      Task.Write<Boolean> outer =
          new Task.Write<>(
              () -> {
                nested.set(engine.commitWaiting(insert(7)));
                return nested.get().isDone();
              });
      engine.committer().runOrSubmit(outer);
      assertThat(outer.future().join()).as("not run inside the running group").isFalse();
      assertThat(nested.get().join().lsn()).isPositive();
    }
  }

  @Test
  void aClosedStoreRefusesAWaitingCommit() {
    Engine engine = open();
    engine.close();
    CompletableFuture<MutationResult> f = engine.commitWaiting(insert(1));
    assertThat(f).isCompletedExceptionally();
    assertThat(org.assertj.core.api.Assertions.catchThrowable(f::join).getCause())
        .isInstanceOf(OrmDbException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void manyCallersMixingWaitingAndAsyncCommitsKeepEachCallersOrder() throws Exception {
    try (Engine engine = open()) {
      int threads = 8;
      int each = 200;
      List<Thread> ts = new ArrayList<>();
      List<List<Long>> lsns = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        List<Long> mine = new ArrayList<>();
        lsns.add(mine);
        long base = 1_000_000L * (t + 1);
        ts.add(
            new Thread(
                () -> {
                  List<CompletableFuture<MutationResult>> fs = new ArrayList<>();
                  for (int i = 0; i < each; i++) {
                    fs.add(
                        i % 3 == 0
                            ? engine.commit(insert(base + i))
                            : engine.commitWaiting(insert(base + i)));
                  }
                  fs.forEach(f -> mine.add(f.join().lsn()));
                }));
      }
      ts.forEach(Thread::start);
      for (Thread t : ts) {
        t.join();
      }
      List<Long> all = new ArrayList<>();
      for (List<Long> mine : lsns) {
        assertThat(mine).as("one caller's commits in its order").isSorted().hasSize(each);
        all.addAll(mine);
      }
      assertThat(all).doesNotHaveDuplicates();
      assertThat(engine.currentLsn()).isEqualTo(1L * threads * each);
    }
  }
}

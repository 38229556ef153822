package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link OrmStore#lsnAfter} and {@link OrmStore#runAfterLsn}: waiting for commits without polling.
 */
class CommitNotificationTest {

  @Test
  void completesOnlyOnceABatchAboveTheLsnIsVisible() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(TestSchemas.blog());
      CompletableFuture<Long> waiting = store.lsnAfter(0);
      CompletableFuture<Long> further = store.lsnAfter(1);
      assertThat(waiting).isNotDone();
      long lsn = commit(store, insert("Comment", "id", 1L, "body", "a")).lsn();
      assertThat(lsn).isEqualTo(1);
      assertThat(waiting.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      assertThat(store.currentLsn()).as("visible when the waiter wakes").isGreaterThanOrEqualTo(1);
      assertThat(further).as("lsn 1 is not above 1").isNotDone();
      commit(store, insert("Comment", "id", 2L, "body", "b"));
      assertThat(further.get(10, TimeUnit.SECONDS)).isEqualTo(2);
      // already passed: complete at once
      assertThat(store.lsnAfter(1)).isCompletedWithValue(2L);
    }
  }

  @Test
  void aCancelledWaiterDoesNotAffectOthersOnTheSameLsn() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(TestSchemas.blog());
      CompletableFuture<Long> a = store.lsnAfter(0);
      CompletableFuture<Long> b = store.lsnAfter(0);
      a.cancel(false);
      commit(store, insert("Comment", "id", 1L, "body", "a"));
      assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }
  }

  @Test
  void waitersFailWhenTheStoreCloses() {
    CompletableFuture<Long> waiting;
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      waiting = store.lsnAfter(5);
    }
    ExecutionException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
    assertThat(e.getCause()).isInstanceOf(OrmDbException.class);
    assertThat(((OrmDbException) e.getCause()).code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.getCause().getMessage()).isEqualTo("the store is closed");
  }

  @Test
  void refusedBatchesAndSchemaChangesWakeNobody() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(TestSchemas.blog());
      CompletableFuture<Long> waiting = store.lsnAfter(0);
      store.commitOffset("c", new io.ormdb.store.journal.ConsumerOffset(0, 1)).get();
      try {
        commit(store, insert("Comment", "id", 1L)); // body is required
      } catch (OrmDbException expected) {
        assertThat(expected.code()).isEqualTo(ErrorCode.INVALID_REQUEST);
      }
      assertThat(waiting).isNotDone();
      assertThat(store.currentLsn()).isZero();
    }
  }

  /** An executor that queues tasks and remembers which thread queued each. */
  private static final class Queue implements Executor {
    final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
    final List<String> queuedBy = new CopyOnWriteArrayList<>();

    @Override
    public void execute(Runnable task) {
      queuedBy.add(Thread.currentThread().getName());
      tasks.add(task);
    }

    void runNext() throws InterruptedException {
      Runnable r = tasks.poll(10, TimeUnit.SECONDS);
      assertThat(r).as("a task was queued").isNotNull();
      r.run();
    }
  }

  @Test
  void runAfterLsnIsQueuedOnTheExecutorByTheThreadThatMakesTheCommitVisible() throws Exception {
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(TestSchemas.blog());
      Queue q = new Queue();
      List<Object> ran = new CopyOnWriteArrayList<>();
      store.runAfterLsn(0, q, error -> ran.add(error == null ? "woken" : error));
      assertThat(q.tasks).isEmpty();
      commit(store, insert("Comment", "id", 1L, "body", "a"));
      q.runNext();
      assertThat(ran).containsExactly("woken");
      // the writer is the committer thread, or the caller committing on its own thread when the
      // store is idle: either queues the task itself, not the notification thread
      assertThat(q.queuedBy).hasSize(1);
      assertThat(q.queuedBy.get(0)).isIn(Thread.currentThread().getName(), "ormdb-committer");
      // already passed: queued at once by the caller
      store.runAfterLsn(0, q, error -> ran.add(error == null ? "at once" : error));
      assertThat(q.queuedBy).hasSize(2).last().isEqualTo(Thread.currentThread().getName());
      q.runNext();
      assertThat(ran).containsExactly("woken", "at once");
    }
  }

  @Test
  void runAfterLsnGetsTheFailureWhenTheStoreClosesAndARejectedTaskRunsOnTheNotificationThread()
      throws Exception {
    Queue q = new Queue();
    BlockingQueue<Object> failures = new LinkedBlockingQueue<>();
    BlockingQueue<String> threads = new LinkedBlockingQueue<>();
    try (OrmStore store = OrmStore.open(StoreConfig.inMemory())) {
      store.applySchema(TestSchemas.blog());
      store.runAfterLsn(5, q, failures::add);
      store.runAfterLsn(
          0,
          task -> {
            throw new RejectedExecutionException("shut down");
          },
          error -> threads.add(Thread.currentThread().getName()));
      commit(store, insert("Comment", "id", 1L, "body", "a"));
      assertThat(threads.poll(10, TimeUnit.SECONDS)).isEqualTo("ormdb-commit-notifier");
    }
    q.runNext();
    Object f = failures.poll(10, TimeUnit.SECONDS);
    assertThat(f).isInstanceOf(OrmDbException.class);
    assertThat(((OrmDbException) f).getMessage()).isEqualTo("the store is closed");
  }
}

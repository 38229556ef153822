package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link OrmStore#lsnAfter}: waiting for commits without polling. */
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
}

package io.ormdb.store.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.mutation.MutationResult;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.journal.ConsumerOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The committer's queue is bounded for client work: past {@code commitQueueSize} waiting tasks a
 * submit fails at once with BUDGET_EXCEEDED (it never blocks), and the store's own work still runs.
 */
class CommitQueueTest {
  private static final String FULL =
      "the commit queue is full (5 tasks waiting): the store cannot keep up; retry later";

  private static CompletableFuture<MutationResult> insert(Engine engine, long id) {
    return engine.commit(MutationBatch.of(new Mutation.Insert("T", Map.of("id", Value.of(id)))));
  }

  private static void assertRefused(CompletableFuture<?> f) {
    assertThat(f).as("refused at once").isCompletedExceptionally();
    Throwable t = catchThrowable(f::join).getCause();
    assertThat(t).isInstanceOf(OrmDbException.class).hasMessage(FULL);
    assertThat(((OrmDbException) t).code()).isEqualTo(ErrorCode.BUDGET_EXCEEDED);
  }

  @Test
  void aFullQueueRefusesClientWorkAtOnceAndWhatWaitsCommitsLater() {
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (Engine engine = Engine.open(StoreConfig.inMemory().withCommitQueueSize(5))) {
      try {
        fillAndDrain(engine, running, release);
      } finally {
        release.countDown(); // before the close, which waits for the committer
      }
    }
  }

  private static void fillAndDrain(Engine engine, CountDownLatch running, CountDownLatch release) {
    engine.applySchema(SchemaParser.parse("entity T {\n id int64 @id\n}\n")).join();
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

    List<CompletableFuture<MutationResult>> waiting = new ArrayList<>();
    for (long id = 1; id <= 5; id++) {
      waiting.add(insert(engine, id));
    }
    assertRefused(insert(engine, 6));
    assertRefused(engine.applySchema(SchemaParser.parse("entity U {\n id int64 @id\n}\n")));
    assertRefused(engine.offsets().commit("consumer", new ConsumerOffset(1, 0)));
    // the store's own work is never refused
    CompletableFuture<Void> slice = engine.runOnCommitter(() -> true);
    CompletableFuture<Long> compaction = engine.compact();
    assertThat(waiting).noneMatch(CompletableFuture::isDone);
    assertThat(slice).isNotDone();
    assertThat(compaction).isNotDone();

    release.countDown();
    busy.join();
    List<Long> lsns = new ArrayList<>();
    for (CompletableFuture<MutationResult> f : waiting) {
      lsns.add(f.join().lsn());
    }
    assertThat(lsns).containsExactly(1L, 2L, 3L, 4L, 5L);
    slice.join();
    compaction.join();
    assertThat(insert(engine, 6).join().lsn()).as("room again").isEqualTo(6);
  }
}

package io.ormdb.store.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.StoreConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Background work on the committer thread: sliced, interleaved with batches, durable, isolated. */
class CommitterSliceTest {
  @TempDir Path dir;

  private static SchemaBundle schema() {
    return new SchemaBundle(
        1,
        List.of(),
        List.of(
            new EntityDef(
                "T",
                "id",
                List.of(FieldDef.of("id", FieldType.of(ValueType.INT64))),
                false,
                List.of())),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  private static byte[] key(int i) {
    return new byte[] {(byte) i};
  }

  @Test
  void slicesRunOnTheCommitterBetweenBatchesAndTheirWritesAreDurable() {
    try (Engine engine = Engine.open(StoreConfig.of(dir))) {
      engine.applySchema(schema()).join();
      AtomicInteger calls = new AtomicInteger();
      List<CompletableFuture<?>> commits = new ArrayList<>();
      CompletableFuture<Void> done =
          engine.runOnCommitter(
              () -> {
                int c = calls.incrementAndGet();
                engine.columnMeta().put(key(c), new byte[] {(byte) (c * 10)});
                if (c < 4) {
                  // a batch queued meanwhile is applied before the next slice
                  commits.add(
                      engine.commit(
                          MutationBatch.of(new Mutation.Insert("T", Map.of("id", Value.of(c))))));
                }
                return c == 4;
              });
      done.join();
      commits.forEach(CompletableFuture::join);

      assertThat(calls).hasValue(4);
      assertThat(engine.currentLsn()).isEqualTo(3);
      assertThat(engine.columnMeta().get(key(4))).containsExactly(40);
      assertThatThrownBy(() -> engine.columnMeta().put(key(9), key(9)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("only the committer thread writes col.meta");
    }
    try (Engine engine = Engine.open(StoreConfig.of(dir))) {
      assertThat(engine.columnMeta().get(key(2))).containsExactly(20);
      assertThat(engine.columnMeta().higherKey(key(3))).containsExactly(4);
      assertThat(engine.columnMeta().higherKey(key(4))).isNull();
    }
  }

  @Test
  void aFailingSliceFailsOnlyItsOwnFuture() {
    try (Engine engine = Engine.open(StoreConfig.of(dir))) {
      engine.applySchema(schema()).join();
      CompletableFuture<Void> bad =
          engine.runOnCommitter(
              () -> {
                throw new IllegalArgumentException("broken slice");
              });

      assertThatThrownBy(bad::join)
          .isInstanceOf(CompletionException.class)
          .hasRootCauseMessage("broken slice");
      long lsn =
          engine
              .commit(MutationBatch.of(new Mutation.Insert("T", Map.of("id", Value.of(1L)))))
              .join()
              .lsn();
      assertThat(lsn).isEqualTo(1);
    }
  }
}

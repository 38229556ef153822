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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * A batch that overflows the committer's stack (here: rows nested 100,000 deep handed to the engine
 * directly, past OrmStore's nesting check) fails alone; the committer lives on.
 */
class CommitterStackOverflowTest {

  @Test
  void aBatchThatOverflowsTheStackFailsAndTheCommitterGoesOn() {
    try (Engine engine = Engine.open(StoreConfig.inMemory())) {
      engine
          .applySchema(
              SchemaParser.parse(
                  """
                  entity A {
                    id int64 @id
                    relation bs: one to many B by aId
                  }
                  entity B {
                    id  int64 @id
                    aId int64?
                    relation a: many to one A by aId
                  }
                  """))
          .join();
      Mutation.Insert rows = new Mutation.Insert("B", Map.of());
      for (int i = 0; i < 100_000; i++) {
        rows =
            new Mutation.Insert(
                i % 2 == 0 ? "A" : "B",
                Map.of(),
                List.of(new Mutation.NestedInsert(i % 2 == 0 ? "bs" : "a", List.of(rows))));
      }
      CompletableFuture<MutationResult> deep = engine.commit(MutationBatch.of(rows));
      await().until(deep::isDone);
      Throwable t = catchThrowable(deep::join).getCause();
      assertThat(t).isInstanceOf(OrmDbException.class).hasCauseInstanceOf(StackOverflowError.class);
      assertThat(((OrmDbException) t).code()).isEqualTo(ErrorCode.INTERNAL);
      assertThat(engine.currentLsn()).isZero();

      MutationResult next =
          engine
              .commit(MutationBatch.of(new Mutation.Insert("A", Map.of("id", Value.of(1L)))))
              .join();
      assertThat(next.lsn()).isEqualTo(1);
    }
  }
}

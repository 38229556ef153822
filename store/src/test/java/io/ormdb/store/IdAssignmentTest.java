package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.all;
import static io.ormdb.store.StoreTestSupport.assertRefused;
import static io.ormdb.store.StoreTestSupport.commit;
import static io.ormdb.store.StoreTestSupport.insert;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Integer identities given by the store: one more than the largest id the entity ever held, never
 * wrapping past the type's maximum, never giving a deleted id again (docs/schema-language.md).
 */
class IdAssignmentTest {
  private static final String SCHEMA =
      """
      entity Small {
        id   int32 @id
        name string
      }
      entity Big {
        id   int64 @id
        name string
      }
      """;

  @TempDir Path dir;
  private OrmStore store;

  @BeforeEach
  void open() {
    store = reopen();
    store.applySchema(SchemaParser.parse(SCHEMA));
  }

  private OrmStore reopen() {
    // no history kept past the newest batch: compaction removes a deleted row at once
    return OrmStore.open(StoreConfig.of(dir).withRetention(Duration.ZERO, Duration.ZERO));
  }

  @AfterEach
  void close() {
    store.close();
  }

  private Value create(String entity) {
    return commit(store, insert(entity, "name", "n")).insertedIds().get(0);
  }

  private List<Long> ids(String entity) {
    return all(store, entity).stream().map(r -> r.id().asLong()).toList();
  }

  @Test
  void int32IdsStopAtTheLargestInt32WithAClearErrorInsteadOfWrapping() {
    commit(store, insert("Small", "id", Integer.MAX_VALUE - 1, "name", "explicit"));
    assertThat(create("Small")).isEqualTo(new Value.Int32(Integer.MAX_VALUE));

    String refusal =
        "mutation 0 (insert into Small): no id left to assign to Small.id (int32): an assigned id"
            + " is one more than the largest id Small has held, which is 2147483647, the largest"
            + " int32; give ids explicitly, or use an int64 identity";
    assertRefused(store, ErrorCode.CONSTRAINT_VIOLATION, refusal, insert("Small", "name", "n"));
    // every later attempt says the same (it used to wrap to -2147483648, then fail on the pkey)
    assertRefused(store, ErrorCode.CONSTRAINT_VIOLATION, refusal, insert("Small", "name", "n"));
    assertThat(ids("Small"))
        .containsExactly((long) Integer.MAX_VALUE - 1, (long) Integer.MAX_VALUE);

    // explicit ids still work
    commit(store, insert("Small", "id", 7, "name", "explicit"));
    assertThat(ids("Small")).hasSize(3);
  }

  @Test
  void int64IdsStopAtTheLargestInt64() {
    commit(store, insert("Big", "id", Long.MAX_VALUE, "name", "explicit"));
    assertRefused(
        store,
        ErrorCode.CONSTRAINT_VIOLATION,
        "mutation 1 (insert into Big): no id left to assign to Big.id (int64): an assigned id is"
            + " one more than the largest id Big has held, which is 9223372036854775807, the"
            + " largest int64; give ids explicitly",
        insert("Big", "id", 5L, "name", "explicit"),
        insert("Big", "name", "n"));
    assertThat(ids("Big")).containsExactly(Long.MAX_VALUE);
  }

  @Test
  void aBatchCountsTheIdsItInsertsItself() {
    List<Mutation> ms = new ArrayList<>();
    ms.add(insert("Big", "id", 10L, "name", "explicit"));
    for (int i = 0; i < 3; i++) {
      ms.add(insert("Big", "name", "n" + i));
    }
    ms.add(insert("Big", "id", 20L, "name", "explicit"));
    ms.add(insert("Big", "name", "last"));
    assertThat(store.commit(new MutationBatch(ms)).insertedIds())
        .extracting(Value::asLong)
        .containsExactly(10L, 11L, 12L, 13L, 20L, 21L);

    List<Mutation> many = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      many.add(insert("Big", "name", "n" + i));
    }
    List<Value> given = store.commit(new MutationBatch(many)).insertedIds();
    assertThat(given.get(0)).isEqualTo(new Value.Int64(22));
    assertThat(given.get(9_999)).isEqualTo(new Value.Int64(10_021));
  }

  @Test
  void aDeletedIdIsNeverGivenAgainNotEvenAfterCompactionRemovedItsRow() {
    assertThat(List.of(create("Big"), create("Big"), create("Big")))
        .extracting(Value::asLong)
        .containsExactly(1L, 2L, 3L);
    commit(store, new Mutation.Delete("Big", new Value.Int64(3), 0));
    assertThat(create("Big").asLong()).isEqualTo(4);

    commit(store, new Mutation.Delete("Big", new Value.Int64(4), 0));
    store.compact();
    assertThat(store.stats().versionsRemoved()).isPositive();
    assertThat(create("Big").asLong()).isEqualTo(5);

    commit(store, new Mutation.Delete("Big", new Value.Int64(5), 0));
    store.compact();
    store.close();
    store = reopen();
    assertThat(create("Big").asLong()).isEqualTo(6);
    assertThat(ids("Big")).containsExactly(1L, 2L, 6L);
  }
}

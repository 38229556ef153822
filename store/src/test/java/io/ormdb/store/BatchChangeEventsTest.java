package io.ormdb.store;

import static io.ormdb.store.StoreTestSupport.insert;
import static io.ormdb.store.StoreTestSupport.m;
import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.protocol.change.ChangeEvent;
import io.ormdb.protocol.change.ChangeSet;
import io.ormdb.protocol.lang.schema.SchemaParser;
import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The changelog entry of a batch names every row it changed: its identity exactly as the row holds
 * it (int32, int64, uuid and string identities), the operation, the before and after images and the
 * changed fields — for inserts (of plain rows, and of rows with defaults and generated ids),
 * updates and deletes in one batch.
 */
class BatchChangeEventsTest {
  @TempDir Path dir;

  @Test
  void everyEventNamesItsRowAndItsChange() {
    try (OrmStore store = OrmStore.open(StoreConfig.of(dir))) {
      store.applySchema(
          SchemaParser.parse(
              """
              entity A {
                id   int32 @id
                name string
                n    int64 @default(7)
              }
              entity B {
                id   int64 @id
                name string
              }
              entity C {
                id   uuid @id
                name string
              }
              entity D {
                id   string @id
                name string
              }
              """));
      UUID u = UUID.randomUUID();
      store.commit(
          MutationBatch.of(
              insert("A", "id", 1, "name", "a"),
              insert("C", "id", u, "name", "c"),
              insert("D", "id", "d", "name", "d")));
      long from = store.currentLsn() + 1;
      List<Mutation> ms = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        ms.add(insert("B", "id", 100L + i, "name", "b" + i));
      }
      ms.add(insert("A", "name", "generated"));
      ms.add(new Mutation.Update("C", Value.of(u), m("name", "c2"), 0));
      ms.add(new Mutation.Delete("D", Value.of("d"), 0));
      store.commit(new MutationBatch(ms));

      List<ChangeSet> sets = store.changes(from, 10);
      assertThat(sets).hasSize(1);
      List<ChangeEvent> events = sets.get(0).events();
      assertThat(events).hasSize(13);
      for (int i = 0; i < 10; i++) {
        ChangeEvent e = events.get(i);
        assertThat(e.entity()).isEqualTo("B");
        assertThat(e.id()).isEqualTo(new Value.Int64(100 + i));
        assertThat(e.op()).isEqualTo(ChangeEvent.Op.CREATE);
        assertThat(e.before()).isEmpty();
        assertThat(e.after())
            .isEqualTo(Map.of("id", new Value.Int64(100 + i), "name", Value.of("b" + i)));
        assertThat(e.changedFields()).containsExactly("id", "name");
      }
      ChangeEvent generated = events.get(10);
      assertThat(generated.id()).isEqualTo(new Value.Int32(2));
      assertThat(generated.after())
          .isEqualTo(
              Map.of(
                  "id",
                  new Value.Int32(2),
                  "name",
                  Value.of("generated"),
                  "n",
                  new Value.Int64(7)));
      assertThat(generated.changedFields()).containsExactly("id", "name", "n");
      ChangeEvent update = events.get(11);
      assertThat(update.id()).isEqualTo(Value.of(u));
      assertThat(update.op()).isEqualTo(ChangeEvent.Op.UPDATE);
      assertThat(update.before()).isEqualTo(Map.of("id", Value.of(u), "name", Value.of("c")));
      assertThat(update.after()).isEqualTo(Map.of("id", Value.of(u), "name", Value.of("c2")));
      assertThat(update.changedFields()).containsExactly("name");
      ChangeEvent delete = events.get(12);
      assertThat(delete.id()).isEqualTo(Value.of("d"));
      assertThat(delete.op()).isEqualTo(ChangeEvent.Op.DELETE);
      assertThat(delete.before()).isEqualTo(Map.of("id", Value.of("d"), "name", Value.of("d")));
      assertThat(delete.after()).isEmpty();
      assertThat(delete.changedFields()).isEmpty();
    }
  }
}

package io.ormdb.cdc;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.schema.FieldType;
import io.ormdb.protocol.schema.SchemaBundle;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.value.ValueType;
import io.ormdb.store.OrmStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A two-entity schema and batch helpers for cdc tests. */
public final class CdcTestData {
  private CdcTestData() {}

  public static SchemaBundle schema() {
    return new SchemaBundle(
        0,
        List.of(),
        List.of(
            new EntityDef(
                "Item",
                "id",
                List.of(
                    FieldDef.of("id", FieldType.of(ValueType.INT64)),
                    FieldDef.of("name", FieldType.of(ValueType.STRING)),
                    FieldDef.of("qty", FieldType.of(ValueType.INT32))),
                false,
                List.of()),
            new EntityDef(
                "Note",
                "id",
                List.of(
                    FieldDef.of("id", FieldType.of(ValueType.INT64)),
                    FieldDef.of("text", FieldType.of(ValueType.STRING))),
                false,
                List.of())),
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  public static Mutation item(long id, String name) {
    return new Mutation.Insert(
        "Item", Map.of("id", Value.of(id), "name", Value.of(name), "qty", Value.of(1)));
  }

  public static Mutation note(long id, String text) {
    return new Mutation.Insert("Note", Map.of("id", Value.of(id), "text", Value.of(text)));
  }

  public static Mutation rename(long id, String name) {
    return new Mutation.Update("Item", Value.of(id), Map.of("name", Value.of(name)), 0);
  }

  public static Mutation deleteItem(long id) {
    return new Mutation.Delete("Item", Value.of(id), 0);
  }

  /** Commits one batch of {@code n} new items with ids from {@code firstId}; returns its LSN. */
  public static long items(OrmStore store, long firstId, int n) {
    List<Mutation> ms = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ms.add(item(firstId + i, "item" + (firstId + i)));
    }
    return store.commit(new MutationBatch(ms)).lsn();
  }

  public static long commit(OrmStore store, Mutation... ms) {
    return store.commit(MutationBatch.of(ms)).lsn();
  }
}

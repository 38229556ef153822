package io.ormdb.store.query;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.schema.EntityDef;
import io.ormdb.protocol.schema.FieldDef;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The randomized query model test run against the real MVStore storage engine: every model's rows
 * are committed through the write path (foreign keys checked), and queries read a snapshot view.
 */
class StoreQueryModelTest extends QueryModelTest {
  private final List<OrmStore> stores = new ArrayList<>();

  @Override
  protected ViewFactory viewFactory() {
    return (schema, rows) -> {
      OrmStore store = OrmStore.open(StoreConfig.inMemory());
      stores.add(store);
      store.applySchema(schema);
      // Entities are generated parents first, so inserting in map order satisfies foreign keys.
      List<Mutation> inserts = new ArrayList<>();
      for (Map.Entry<String, List<Map<String, Value>>> e : rows.entrySet()) {
        EntityDef def = schema.entity(e.getKey()).orElseThrow();
        for (Map<String, Value> row : e.getValue()) {
          Map<String, Value> given = new LinkedHashMap<>(row);
          def.fields().stream().filter(FieldDef::isComputed).forEach(f -> given.remove(f.name()));
          inserts.add(new Mutation.Insert(e.getKey(), given)); // the store computes the rest
        }
      }
      if (!inserts.isEmpty()) {
        store.commit(new MutationBatch(inserts));
      }
      ReadView view = store.snapshot();
      storeByView.put(view, store);
      return view;
    };
  }

  private final Map<ReadView, OrmStore> storeByView = new IdentityHashMap<>();

  @Override
  protected boolean writable() {
    return true;
  }

  @Override
  protected ReadView commit(Model m, MutationBatch batch) {
    OrmStore store = storeByView.get(m.view);
    store.commit(batch);
    ReadView view = store.snapshot();
    storeByView.put(view, store);
    return view;
  }

  @AfterEach
  void closeStores() {
    for (OrmStore s : stores) {
      s.close();
    }
    stores.clear();
    storeByView.clear();
  }
}

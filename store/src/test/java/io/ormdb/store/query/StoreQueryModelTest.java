package io.ormdb.store.query;

import io.ormdb.protocol.mutation.Mutation;
import io.ormdb.protocol.mutation.MutationBatch;
import io.ormdb.protocol.value.Value;
import io.ormdb.store.OrmStore;
import io.ormdb.store.StoreConfig;
import io.ormdb.store.view.ReadView;
import java.util.ArrayList;
import java.util.IdentityHashMap;
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
        for (Map<String, Value> row : e.getValue()) {
          inserts.add(new Mutation.Insert(e.getKey(), row));
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

package io.ormdb.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ormdb.store.internal.engine.Engine;
import io.ormdb.store.view.KeyRange;
import io.ormdb.store.view.ReadView;
import io.ormdb.store.view.Row;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MVStore types never leave the store: no public signature of the facade or views uses one. */
class PublicApiTest {
  @Test
  void noMvStoreTypeInPublicSignatures() {
    List<String> leaks = new ArrayList<>();
    for (Class<?> c :
        List.of(
            OrmStore.class,
            StoreConfig.class,
            StoreStats.class,
            ReadView.class,
            Row.class,
            KeyRange.class,
            Engine.class,
            io.ormdb.store.internal.journal.JournalMaps.class,
            io.ormdb.store.internal.journal.OffsetMap.class,
            io.ormdb.store.journal.JournalStorage.class,
            io.ormdb.store.journal.JournalEntry.class,
            io.ormdb.store.journal.SnapshotEntry.class,
            io.ormdb.store.journal.ConsumerOffset.class)) {
      for (Method m : c.getDeclaredMethods()) {
        if (!Modifier.isPublic(m.getModifiers())) {
          continue;
        }
        List<Class<?>> types = new ArrayList<>(List.of(m.getParameterTypes()));
        types.add(m.getReturnType());
        for (Class<?> t : types) {
          if (t.getName().startsWith("org.h2.")) {
            leaks.add(c.getSimpleName() + "." + m.getName() + " uses " + t.getName());
          }
        }
      }
    }
    assertThat(leaks).isEmpty();
  }
}

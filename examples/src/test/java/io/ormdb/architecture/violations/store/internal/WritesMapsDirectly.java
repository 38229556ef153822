package io.ormdb.architecture.violations.store.internal;

import java.util.List;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

/** Breaks the map rules: it opens a map of the store itself and writes it past LoggedMap. */
public final class WritesMapsDirectly {
  public void write(MVStore store, List<String> stale) {
    MVMap<String, String> map = store.openMap("pages");
    map.put("page", "1");
    stale.forEach(map::remove);
  }
}

package io.ormdb.architecture.violations.store.internal.file;

import org.h2.mvstore.MVStore;

/** Allowed: the one class of the pretend store that opens its maps. */
public final class StoreMaps {
  public final LoggedMap pages;

  public StoreMaps(MVStore store) {
    pages = new LoggedMap(store.openMap("pages"));
  }
}

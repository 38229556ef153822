package io.ormdb.architecture.violations.store;

import io.ormdb.architecture.violations.protocol.Value;
import io.ormdb.architecture.violations.store.internal.Pages;
import org.h2.mvstore.MVStore;

/**
 * Allowed in the pretend store module: it uses protocol, its own internal package and MVStore.
 * (With {@code ProtocolUsesStore} it forms a package cycle.)
 */
public final class Storage {
  private final Pages pages = new Pages();
  public MVStore mvStore;

  public Value get(long id) {
    return new Value(pages.find(id));
  }
}

package io.ormdb.architecture.violations.cdc;

import io.ormdb.architecture.violations.store.Storage;

/** Allowed in the pretend cdc module: it uses store. */
public final class Feed {
  public Storage storage;
}

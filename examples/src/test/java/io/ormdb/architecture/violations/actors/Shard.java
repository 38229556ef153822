package io.ormdb.architecture.violations.actors;

import io.ormdb.architecture.violations.store.Storage;

/** Allowed in the pretend actors module: it uses store. */
public final class Shard {
  public Storage storage;
}

package io.ormdb.architecture.violations.store;

import io.ormdb.architecture.violations.actors.Shard;

/** Breaks the store rule: store uses actors. */
public final class StoreUsesActors {
  public Shard shard;
}

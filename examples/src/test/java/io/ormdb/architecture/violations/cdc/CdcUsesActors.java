package io.ormdb.architecture.violations.cdc;

import io.ormdb.architecture.violations.actors.Shard;

/** Breaks the cdc rule: cdc uses actors. */
public final class CdcUsesActors {
  public Shard shard;
}

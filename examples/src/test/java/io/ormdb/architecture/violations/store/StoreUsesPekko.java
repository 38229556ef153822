package io.ormdb.architecture.violations.store;

import org.apache.pekko.actor.typed.ActorSystem;

/** Breaks the store rule: Pekko in store. */
public final class StoreUsesPekko {
  public ActorSystem<?> system;
}

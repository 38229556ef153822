package io.ormdb.architecture.violations.actors;

import io.ormdb.architecture.violations.cdc.Feed;

/** Breaks the actors rule: actors use cdc. */
public final class ActorsUseCdc {
  public Feed feed;
}

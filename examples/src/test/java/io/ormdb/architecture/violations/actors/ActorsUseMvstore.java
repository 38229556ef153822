package io.ormdb.architecture.violations.actors;

import org.h2.mvstore.MVStore;

/** Breaks the MVStore rule: MVStore outside store and the cdc journal plugin. */
public final class ActorsUseMvstore {
  public MVStore mvStore;
}

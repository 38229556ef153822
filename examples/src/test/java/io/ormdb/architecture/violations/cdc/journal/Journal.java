package io.ormdb.architecture.violations.cdc.journal;

import org.h2.mvstore.MVStore;

/** Allowed: the cdc journal plugin may use MVStore. */
public final class Journal {
  public MVStore mvStore;
}

package io.ormdb.architecture.violations.examples;

import io.ormdb.architecture.violations.store.Storage;
import io.ormdb.architecture.violations.store.internal.Pages;

/** Breaks the internal-package rule: another module uses store's internal package. */
public final class ExamplesUseStoreInternals {
  public Storage storage;
  public Pages pages;
}

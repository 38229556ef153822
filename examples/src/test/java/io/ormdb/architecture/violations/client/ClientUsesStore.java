package io.ormdb.architecture.violations.client;

import io.ormdb.architecture.violations.store.Storage;

/** Breaks the client rule: the client uses store. */
public final class ClientUsesStore {
  public Storage storage;
}

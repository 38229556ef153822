package io.ormdb.architecture.violations.protocol;

import io.ormdb.architecture.violations.store.Storage;

/** Breaks the protocol rule (protocol uses no other module) and closes a protocol ↔ store cycle. */
public final class ProtocolUsesStore {
  public Value read(Storage storage) {
    return storage.get(1);
  }
}

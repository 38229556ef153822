package io.ormdb.architecture.violations.client;

import io.ormdb.architecture.violations.protocol.Value;

/** Allowed in the pretend client module: it uses protocol. */
public final class Client {
  public Value last;
}

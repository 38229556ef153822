package io.ormdb.architecture.violations.node;

import io.ormdb.architecture.violations.client.Client;

/** Breaks the node rule: the node uses the client. */
public final class NodeUsesClient {
  public Client client;
}

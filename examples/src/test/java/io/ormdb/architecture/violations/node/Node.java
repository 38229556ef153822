package io.ormdb.architecture.violations.node;

import io.ormdb.architecture.violations.actors.Shard;
import io.ormdb.architecture.violations.cdc.Feed;

/** Allowed in the pretend node module: it uses actors and cdc. */
public final class Node {
  public Shard shard;
  public Feed feed;
}

package io.ormdb.architecture.violations.client;

import org.apache.pekko.actor.typed.ActorRef;

/** Breaks the client rule: Pekko in the client. */
public final class ClientUsesPekko {
  public ActorRef<Object> replyTo;
}

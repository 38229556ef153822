package io.ormdb.architecture.violations.protocol;

import org.apache.pekko.actor.typed.ActorRef;

/** Breaks the protocol rule: Pekko in protocol. */
public final class ProtocolUsesPekko {
  public ActorRef<Value> replyTo;
}

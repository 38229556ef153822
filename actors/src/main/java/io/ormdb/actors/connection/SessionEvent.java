package io.ormdb.actors.connection;

import io.ormdb.protocol.schema.Sensitivity;
import java.time.Instant;
import java.util.Objects;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;

/**
 * What happened to a session ({@link ConnectionActor}), published on the ActorSystem's event stream
 * — the audit trail of sessions: subscribe with {@code system.eventStream().tell(new
 * EventStream.Subscribe<>(SessionEvent.class, ref))}. Local to the node that hosts the session (not
 * serialized); {@code session} is the session actor's name, unique in its ActorSystem.
 */
public sealed interface SessionEvent extends NoSerializationVerificationNeeded {
  String session();

  Instant at();

  /**
   * A session began: at its handshake, or at once for an embedded session ({@code client} is then
   * {@code "embedded"}), with the clearance it reads with.
   */
  record Opened(String session, String client, Sensitivity clearance, Instant at)
      implements SessionEvent {
    public Opened {
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(client, "client");
      Objects.requireNonNull(clearance, "clearance");
      Objects.requireNonNull(at, "at");
    }
  }

  /**
   * A session ended: by {@link ConnectionActor.Close} ({@code reason} is the closer's) or because
   * its actor stopped otherwise ({@code "stopped"}, e.g. at shutdown). {@code served} requests were
   * answered; {@code abandoned} were in flight and were answered with an error (after a Close) or
   * not at all (a stop).
   */
  record Closed(String session, String reason, long served, int abandoned, Instant at)
      implements SessionEvent {
    public Closed {
      Objects.requireNonNull(session, "session");
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(at, "at");
    }
  }
}

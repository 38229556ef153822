package io.ormdb.actors.planner;

import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * The request protocol for actor-native callers that manage request ids themselves (sessions do not
 * use it): a {@link Plan} runs as a session's request does ({@link Requests}) — the checks on this
 * actor's thread, then one store-dispatcher task for a read or a schema operation, or the write
 * path for a mutation — and the answer goes from the thread that has it straight to the requester.
 * No timeout or in-flight bound here (a session adds them); a read stops with TIMEOUT at {@code
 * request-timeout}.
 *
 * <p>Failures: a request that fails — a refusal, or an unexpected exception in the hooks or in the
 * store — is answered with its error (INTERNAL naming the exception for anything that is not a
 * refusal); the planner keeps no state and goes on with the next request.
 */
public final class Planner {
  private Planner() {}

  /** Messages the planner accepts. */
  public sealed interface Command extends OrmDbMessage permits Plan {}

  /**
   * Plans and runs {@code request} for a session with {@code session} attributes and {@code
   * clearance}; the answer (one {@link Message.Response} with the request's id) goes to {@code
   * replyTo}.
   */
  public record Plan(
      Message.Request request,
      Map<String, Value> session,
      Sensitivity clearance,
      ActorRef<Message.Response> replyTo)
      implements Command {
    public Plan {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(clearance, "clearance");
      session = Map.copyOf(session);
    }

    /** A request of a session that sees everything in clear (clearance RESTRICTED). */
    public Plan(
        Message.Request request, Map<String, Value> session, ActorRef<Message.Response> replyTo) {
      this(request, session, Sensitivity.RESTRICTED, replyTo);
    }
  }

  public static Behavior<Command> create(Requests requests) {
    Objects.requireNonNull(requests, "requests");
    // Requests answer their own failures; should anything still escape, the planner resumes (it
    // keeps no state) instead of stopping and leaving every later request unanswered.
    return Behaviors.supervise(
            Behaviors.<Command>receive(
                (ctx, c) -> {
                  Plan p = (Plan) c;
                  long id = p.request().requestId();
                  requests.start(
                      requests.plan(p.request(), p.session(), p.clearance()),
                      id,
                      requests.deadline(),
                      p.replyTo()::tell);
                  return Behaviors.same();
                }))
        .onFailure(SupervisorStrategy.resume());
  }
}

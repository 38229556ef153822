package io.ormdb.actors.connection;

import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.actors.planner.Planner;
import io.ormdb.actors.planner.QueryGate;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.OrmDbException;
import io.ormdb.protocol.lang.query.QueryParser;
import io.ormdb.protocol.lang.query.Statement;
import io.ormdb.protocol.query.GraphQuery;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.OrmStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One client session (embedded or remote): the handshake, the session's security context, request
 * ids, a bound on requests in flight and the routing of every request. Speaks the wire protocol's
 * {@link Message}s, so a network server only frames them.
 *
 * <ul>
 *   <li>The first request must be a {@link Message.Handshake} (sessions made by {@link #embedded}
 *       start handshaken). Protocol version 1 only. Credentials are not checked yet: every session
 *       gets {@link #ALL_CAPABILITIES} until the security work fills this in.
 *   <li>The session has a <em>clearance</em>, the highest {@link Sensitivity} it sees in clear;
 *       every query result is masked for it (fields above it per their {@code @mask}) and requests
 *       that would reveal masked values (ordering, filtering, aggregating on them) are refused with
 *       PERMISSION_DENIED. Default {@link Sensitivity#RESTRICTED}: everything in clear, as with
 *       every capability; an embedded session may be opened with a lower one.
 *   <li>Every reply carries its request's id. A request id already in flight is refused.
 *   <li>At most {@code max-in-flight} requests in flight; one more is refused at once with
 *       BUDGET_EXCEEDED, never queued.
 *   <li>A request unanswered after {@code request-timeout} gets TIMEOUT; a later answer is dropped.
 *   <li>With a {@link QueryGate} (sessions of {@code OrmDbActors}), graph queries run the planner's
 *       checks here and a primary-key read goes straight to its entity shard, which answers this
 *       session (the fast path; see {@link QueryGate}); other graph queries go to the planner
 *       already checked. Every other request goes to the planner.
 *   <li>Ping is answered here; subscriptions over a connection are refused for now (embedded
 *       callers have {@code OrmDb.changes} and {@code OrmDb.liveQuery}).
 *   <li>{@link Close} answers every request in flight with an error and stops the session.
 *   <li>The session's opening (handshake, or creation for an embedded one) and its end (Close, or
 *       its actor stopping) are published on the event stream as {@link SessionEvent}s.
 * </ul>
 */
public final class ConnectionActor {
  private ConnectionActor() {}

  /** What a session may do until capabilities are enforced. */
  public static final List<String> ALL_CAPABILITIES =
      List.of("admin", "read:*", "write:*", "delete:*");

  /** Messages a connection accepts. */
  public sealed interface Command extends OrmDbMessage permits Request, Close, Answered, TimedOut {}

  /** A client request; its reply (a {@link Message.Response}) goes to {@code replyTo}. */
  public record Request(Message.Request request, ActorRef<Message.Response> replyTo)
      implements Command {
    public Request {
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(replyTo, "replyTo");
    }
  }

  /** Ends the session; {@code reason} goes to the log and to requests still in flight. */
  public record Close(String reason) implements Command {}

  private record Answered(Message.Response response)
      implements Command, NoSerializationVerificationNeeded {}

  private record TimedOut(long requestId) implements Command, NoSerializationVerificationNeeded {}

  /** A session that must start with a handshake (clearance RESTRICTED until credentials exist). */
  public static Behavior<Command> create(
      OrmStore store, ActorRef<Planner.Command> planner, ActorSettings settings, String serverId) {
    return create(store, planner, null, settings, serverId);
  }

  /**
   * Like {@link #create(OrmStore, ActorRef, ActorSettings, String)}; graph queries pass through
   * {@code gate} here (the planner's checks, and the fast path of primary-key reads) unless it is
   * null, when every request goes to the planner.
   */
  public static Behavior<Command> create(
      OrmStore store,
      ActorRef<Planner.Command> planner,
      QueryGate gate,
      ActorSettings settings,
      String serverId) {
    return supervised(
        Behaviors.setup(
            c ->
                Behaviors.withTimers(
                    t ->
                        new Session(
                                c,
                                t,
                                store,
                                planner,
                                gate,
                                settings,
                                serverId,
                                false,
                                Sensitivity.RESTRICTED)
                            .behavior())));
  }

  /** A session of the embedded API: already handshaken, every capability, everything in clear. */
  public static Behavior<Command> embedded(
      OrmStore store, ActorRef<Planner.Command> planner, ActorSettings settings) {
    return embedded(store, planner, settings, Sensitivity.RESTRICTED);
  }

  /**
   * A session of the embedded API that sees fields up to {@code clearance} in clear and every field
   * above it masked.
   */
  public static Behavior<Command> embedded(
      OrmStore store,
      ActorRef<Planner.Command> planner,
      ActorSettings settings,
      Sensitivity clearance) {
    return embedded(store, planner, null, settings, clearance);
  }

  /**
   * Like {@link #embedded(OrmStore, ActorRef, ActorSettings, Sensitivity)}, with graph queries
   * passing through {@code gate} here unless it is null.
   */
  public static Behavior<Command> embedded(
      OrmStore store,
      ActorRef<Planner.Command> planner,
      QueryGate gate,
      ActorSettings settings,
      Sensitivity clearance) {
    Objects.requireNonNull(clearance, "clearance");
    return supervised(
        Behaviors.setup(
            c ->
                Behaviors.withTimers(
                    t ->
                        new Session(
                                c, t, store, planner, gate, settings, "embedded", true, clearance)
                            .behavior())));
  }

  /**
   * A failing request is answered where it fails (INTERNAL); should anything still escape a
   * handler, the session resumes with its requests in flight (each still answered, at the latest by
   * its timeout) instead of stopping.
   */
  private static Behavior<Command> supervised(Behavior<Command> session) {
    return Behaviors.supervise(session).onFailure(SupervisorStrategy.resume());
  }

  private static final class Session {
    private final ActorContext<Command> context;
    private final TimerScheduler<Command> timers;
    private final OrmStore store;
    private final ActorRef<Planner.Command> planner;
    private final QueryGate gate;
    private final ActorSettings settings;
    private final String serverId;
    private final ActorRef<Message.Response> answers;
    private final Sensitivity clearance;
    private final Map<Long, ActorRef<Message.Response>> inFlight = new HashMap<>();
    private boolean handshaken;
    private Map<String, Value> attributes = Map.of();
    private long served;
    private boolean opened;

    Session(
        ActorContext<Command> context,
        TimerScheduler<Command> timers,
        OrmStore store,
        ActorRef<Planner.Command> planner,
        QueryGate gate,
        ActorSettings settings,
        String serverId,
        boolean handshaken,
        Sensitivity clearance) {
      this.context = context;
      this.gate = gate;
      this.timers = timers;
      this.store = store;
      this.planner = planner;
      this.settings = settings;
      this.serverId = serverId;
      this.handshaken = handshaken;
      this.clearance = clearance;
      this.answers = context.messageAdapter(Message.Response.class, Answered::new);
      if (handshaken) {
        opened("embedded");
      }
    }

    private void opened(String client) {
      if (opened) {
        return;
      }
      opened = true;
      publish(
          new SessionEvent.Opened(
              context.getSelf().path().name(), client, clearance, Instant.now()));
    }

    /** The session's end on the event stream, once (after a Close, or when it stops otherwise). */
    private void closed(String reason) {
      if (opened) {
        opened = false;
        publish(
            new SessionEvent.Closed(
                context.getSelf().path().name(), reason, served, inFlight.size(), Instant.now()));
      }
    }

    private void publish(SessionEvent e) {
      context.getSystem().eventStream().tell(new EventStream.Publish<>(e));
    }

    Behavior<Command> behavior() {
      return Behaviors.receive(Command.class)
          .onMessage(Request.class, this::onRequest)
          .onMessage(Answered.class, this::onAnswered)
          .onMessage(TimedOut.class, this::onTimedOut)
          .onMessage(Close.class, this::onClose)
          .onSignal(
              PostStop.class,
              stop -> {
                closed("stopped");
                return Behaviors.same();
              })
          .build();
    }

    /** Handles one request; should that fail, the failure is the request's answer. */
    private Behavior<Command> onRequest(Request r) {
      try {
        return handle(r);
      } catch (RuntimeException | StackOverflowError e) {
        long id = r.request().requestId();
        if (inFlight.get(id) == r.replyTo()) {
          deliver(error(id, e));
        } else {
          r.replyTo().tell(error(id, e));
        }
        return Behaviors.same();
      }
    }

    /** The error answer of request {@code id} that failed with {@code failure}; INTERNAL logged. */
    private Message.Error error(long id, Throwable failure) {
      if (!(OrmDbException.unwrap(failure) instanceof OrmDbException)) {
        context.getLog().error("request {} failed", id, OrmDbException.unwrap(failure));
      }
      OrmDbException e = OrmDbException.of(failure);
      return new Message.Error(id, e.code().code(), e.getMessage());
    }

    private Behavior<Command> handle(Request r) {
      Message.Request req = r.request();
      long id = req.requestId();
      if (req instanceof Message.Handshake h) {
        if (h.protocolVersion() != Message.PROTOCOL_VERSION) {
          return error(
              r,
              ErrorCode.INVALID_REQUEST,
              "protocol version "
                  + h.protocolVersion()
                  + " is not supported; this node speaks "
                  + Message.PROTOCOL_VERSION);
        }
        handshaken = true;
        // Credentials and claims become session attributes once authentication exists.
        attributes = Map.of();
        opened(h.clientId() == null ? "" : h.clientId());
        r.replyTo()
            .tell(
                new Message.HandshakeAck(
                    id,
                    Message.PROTOCOL_VERSION,
                    store.schema().version(),
                    serverId,
                    List.of(),
                    ALL_CAPABILITIES));
        return Behaviors.same();
      }
      if (!handshaken) {
        return error(r, ErrorCode.INVALID_REQUEST, "the session must start with a handshake");
      }
      if (req instanceof Message.Ping) {
        r.replyTo().tell(new Message.Pong(id));
        return Behaviors.same();
      }
      if (req instanceof Message.Subscribe
          || req instanceof Message.Credit
          || req instanceof Message.Unsubscribe) {
        return error(
            r,
            ErrorCode.INVALID_REQUEST,
            "change subscriptions over a connection are not available yet (embedded callers use"
                + " OrmDb.changes and OrmDb.liveQuery)");
      }
      if (inFlight.containsKey(id)) {
        return error(r, ErrorCode.INVALID_REQUEST, "request id " + id + " is already in flight");
      }
      if (inFlight.size() >= settings.maxInFlight()) {
        return error(
            r,
            ErrorCode.BUDGET_EXCEEDED,
            "too many requests in flight: at most "
                + settings.maxInFlight()
                + " per connection; wait for answers before sending more");
      }
      inFlight.put(id, r.replyTo());
      timers.startSingleTimer(id, new TimedOut(id), settings.requestTimeout());
      if (gate == null || !runGraphQuery(req)) {
        planner.tell(new Planner.Plan(req, attributes, clearance, answers));
      }
      return Behaviors.same();
    }

    /**
     * Runs a graph query ({@code Query}, or {@code QueryText} holding a {@code find}) through the
     * gate: the planner's checks here, then straight to the owning shard when it is a primary-key
     * read the gate can send there, else to the planner as a checked query. False for any other
     * request (the planner handles it).
     */
    private boolean runGraphQuery(Message.Request req) {
      long id = req.requestId();
      try {
        GraphQuery query;
        if (req instanceof Message.Query q) {
          gate.checkVersion(q.schemaVersion());
          query = q.query();
        } else if (req instanceof Message.QueryText t) {
          gate.checkVersion(t.schemaVersion());
          Statement s = QueryParser.parse(t.text());
          if (!(s instanceof Statement.Find f)) {
            return false; // the planner parses it again: writes, aggregates and explains
          }
          query = f.query();
        } else {
          return false;
        }
        QueryGate.Checked c = gate.check(query, attributes, clearance);
        if (!gate.tryDirect(id, c, attributes, clearance, answers)) {
          planner.tell(
              new Planner.RunChecked(id, c.query(), c.budget(), attributes, clearance, answers));
        }
      } catch (RuntimeException | StackOverflowError e) {
        deliver(error(id, e));
      }
      return true;
    }

    private Behavior<Command> onAnswered(Answered a) {
      deliver(a.response());
      return Behaviors.same();
    }

    /** Hands the answer of a request in flight to its requester; drops it when not in flight. */
    private void deliver(Message.Response response) {
      long id = response.requestId();
      ActorRef<Message.Response> to = inFlight.remove(id);
      if (to != null) {
        timers.cancel(id);
        served++;
        to.tell(response);
      }
    }

    private Behavior<Command> onTimedOut(TimedOut t) {
      ActorRef<Message.Response> to = inFlight.remove(t.requestId());
      if (to != null) {
        to.tell(
            new Message.Error(
                t.requestId(),
                ErrorCode.TIMEOUT.code(),
                "no answer within "
                    + settings.requestTimeout().toMillis()
                    + " ms; a write may still have been applied"));
      }
      return Behaviors.same();
    }

    private Behavior<Command> onClose(Close c) {
      for (Map.Entry<Long, ActorRef<Message.Response>> e : inFlight.entrySet()) {
        e.getValue()
            .tell(
                new Message.Error(
                    e.getKey(),
                    ErrorCode.INTERNAL.code(),
                    "the connection closed before the answer: " + c.reason()));
      }
      closed(c.reason());
      context
          .getLog()
          .info(
              "session {} closed ({}): {} requests served, {} abandoned",
              context.getSelf().path().name(),
              c.reason(),
              served,
              inFlight.size());
      inFlight.clear();
      return Behaviors.stopped();
    }

    private Behavior<Command> error(Request r, ErrorCode code, String message) {
      r.replyTo().tell(new Message.Error(r.request().requestId(), code.code(), message));
      return Behaviors.same();
    }
  }
}

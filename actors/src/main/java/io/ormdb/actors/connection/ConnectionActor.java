package io.ormdb.actors.connection;

import io.ormdb.actors.message.OrmDbMessage;
import io.ormdb.actors.planner.Requests;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.protocol.ErrorCode;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.protocol.value.Value;
import io.ormdb.protocol.wire.Message;
import io.ormdb.store.query.Deadline;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.NoSerializationVerificationNeeded;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * One client session (embedded or remote): the handshake, the session's security context, request
 * ids, a bound on requests in flight and the running of every request. Speaks the wire protocol's
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
 *   <li>Requests run through {@link Requests}: the checks here, on the session's thread (CPU work
 *       over the catalog); then a read is one task on the store dispatcher against one snapshot, a
 *       write goes to the entity shards that own its rows and the store's committer. The answer is
 *       sent to the client from the thread that produced it, not through this actor: whoever
 *       removes the request from the in-flight map answers it (the store task or write, the
 *       timeout, or {@link Close}), so each request gets exactly one answer; the session then
 *       learns of it with a message off the client's path.
 *   <li>A session running on the store dispatcher (as {@code OrmDbActors} starts them) reads a
 *       graph query on its own thread first ({@link Requests#readInline}): at one snapshot, with
 *       the same checks, budget and masking, within {@code inline-read-slice}. It answers at once,
 *       saving the hand-off to a store task and back; a read that does not fit in the slice (or
 *       whose shape did not fit lately) stops and becomes a store task as above, with the rest of
 *       its deadline, so a long query holds up the session's next requests for about one slice at
 *       most. A session started on another dispatcher never reads on its own thread: actors never
 *       block a shared dispatcher.
 *   <li>A request unanswered after {@code request-timeout} gets TIMEOUT; a read still running then
 *       stops at its next deadline check (also on the session's thread); a later answer is dropped.
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

  /** A request in flight (compared by identity: a request id may be used again once answered). */
  private static final class InFlight {
    final ActorRef<Message.Response> replyTo;

    InFlight(ActorRef<Message.Response> replyTo) {
      this.replyTo = replyTo;
    }
  }

  /** Request {@code id} was answered by its work (the timer is no longer needed). */
  private record Answered(InFlight request) implements Command, NoSerializationVerificationNeeded {}

  private record TimedOut(long requestId, InFlight request)
      implements Command, NoSerializationVerificationNeeded {}

  /** A session that must start with a handshake (clearance RESTRICTED until credentials exist). */
  public static Behavior<Command> create(Requests requests, String serverId) {
    Objects.requireNonNull(requests, "requests");
    return supervised(
        Behaviors.setup(
            c ->
                Behaviors.withTimers(
                    t ->
                        new Session(c, t, requests, serverId, false, Sensitivity.RESTRICTED)
                            .behavior())));
  }

  /**
   * A session of the embedded API, already handshaken, that sees fields up to {@code clearance} in
   * clear and every field above it masked.
   */
  public static Behavior<Command> embedded(Requests requests, Sensitivity clearance) {
    Objects.requireNonNull(requests, "requests");
    Objects.requireNonNull(clearance, "clearance");
    return supervised(
        Behaviors.setup(
            c ->
                Behaviors.withTimers(
                    t -> new Session(c, t, requests, "embedded", true, clearance).behavior())));
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
    private final ActorRef<Command> self;
    private final TimerScheduler<Command> timers;
    private final Requests requests;
    private final ActorSettings settings;
    private final String serverId;
    private final Sensitivity clearance;
    // whether this session runs on the store dispatcher, so it may read on its own thread
    private final boolean readsInline;
    // removed by whichever thread answers a request: its work, the timer (here) or Close (here)
    private final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
    private boolean handshaken;
    private Map<String, Value> attributes = Map.of();
    private long served;
    private boolean opened;

    Session(
        ActorContext<Command> context,
        TimerScheduler<Command> timers,
        Requests requests,
        String serverId,
        boolean handshaken,
        Sensitivity clearance) {
      this.context = context;
      this.self = context.getSelf();
      this.timers = timers;
      this.requests = requests;
      this.settings = requests.settings();
      this.serverId = serverId;
      this.handshaken = handshaken;
      this.clearance = clearance;
      this.readsInline =
          !settings.inlineReadSlice().isZero()
              && context.getExecutionContext()
                  == context
                      .getSystem()
                      .dispatchers()
                      .lookup(DispatcherSelector.fromConfig(ActorSettings.STORE_DISPATCHER));
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
      closed(reason, inFlight.size());
    }

    private void closed(String reason, int abandoned) {
      if (opened) {
        opened = false;
        publish(
            new SessionEvent.Closed(
                context.getSelf().path().name(), reason, served, abandoned, Instant.now()));
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
      long id = r.request().requestId();
      try {
        return handle(r);
      } catch (RuntimeException | StackOverflowError e) {
        InFlight mine = inFlight.get(id);
        if (mine != null && mine.replyTo.equals(r.replyTo())) {
          answer(id, mine, Requests.error(id, e));
        } else {
          r.replyTo().tell(Requests.error(id, e));
        }
        return Behaviors.same();
      }
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
                    requests.store().schema().version(),
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
      Deadline deadline = requests.deadline();
      Requests.Work work = requests.plan(req, attributes, clearance);
      if (work instanceof Requests.Work.Answered a) {
        r.replyTo().tell(a.response());
        served++;
        return Behaviors.same();
      }
      if (readsInline && work instanceof Requests.Work.OnStore read && read.inline()) {
        Message.Response answer = requests.readInline(read, id, deadline);
        if (answer != null) {
          r.replyTo().tell(answer);
          served++;
          return Behaviors.same();
        }
      }
      InFlight request = new InFlight(r.replyTo());
      inFlight.put(id, request);
      timers.startSingleTimer(request, new TimedOut(id, request), settings.requestTimeout());
      requests.start(work, id, deadline, answer -> answer(id, request, answer));
      return Behaviors.same();
    }

    /**
     * Answers request {@code id} with {@code response} if it is still in flight, from whichever
     * thread calls (this actor's, a store-dispatcher thread, the committer's); the session hears of
     * it afterwards.
     */
    private void answer(long id, InFlight request, Message.Response response) {
      if (inFlight.remove(id, request)) {
        request.replyTo.tell(response);
        self.tell(new Answered(request));
      }
    }

    private Behavior<Command> onAnswered(Answered a) {
      timers.cancel(a.request());
      served++;
      return Behaviors.same();
    }

    private Behavior<Command> onTimedOut(TimedOut t) {
      if (inFlight.remove(t.requestId(), t.request())) {
        t.request()
            .replyTo
            .tell(
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
      int abandoned = 0;
      for (Map.Entry<Long, InFlight> e : inFlight.entrySet()) {
        if (inFlight.remove(e.getKey(), e.getValue())) {
          abandoned++;
          e.getValue()
              .replyTo
              .tell(
                  new Message.Error(
                      e.getKey(),
                      ErrorCode.INTERNAL.code(),
                      "the connection closed before the answer: " + c.reason()));
        }
      }
      closed(c.reason(), abandoned);
      context
          .getLog()
          .info(
              "session {} closed ({}): {} requests served, {} abandoned",
              context.getSelf().path().name(),
              c.reason(),
              served,
              abandoned);
      return Behaviors.stopped();
    }

    private Behavior<Command> error(Request r, ErrorCode code, String message) {
      r.replyTo().tell(new Message.Error(r.request().requestId(), code.code(), message));
      return Behaviors.same();
    }
  }
}

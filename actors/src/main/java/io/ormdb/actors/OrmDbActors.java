package io.ormdb.actors;

import io.ormdb.actors.commit.CommitCoordinator;
import io.ormdb.actors.commit.WritePath;
import io.ormdb.actors.connection.ConnectionActor;
import io.ormdb.actors.planner.Planner;
import io.ormdb.actors.planner.PlannerHooks;
import io.ormdb.actors.planner.ReadService;
import io.ormdb.actors.planner.Requests;
import io.ormdb.actors.settings.ActorSettings;
import io.ormdb.actors.shard.ShardContext;
import io.ormdb.actors.shard.ShardRouter;
import io.ormdb.protocol.schema.Sensitivity;
import io.ormdb.store.OrmStore;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;

/**
 * The actor layer of one ORMDB instance over one store: shard hosting, the {@link Requests} every
 * session runs (reads, the write path), the commit coordinator and the planner for actor-native
 * callers, and a factory of sessions ({@link ConnectionActor}). The embedded extension and the
 * servers build on it. It does not own the store.
 */
public final class OrmDbActors {
  /** Sessions run on the store dispatcher (see {@link ConnectionActor}). */
  public static final Props SESSION_PROPS =
      DispatcherSelector.fromConfig(ActorSettings.STORE_DISPATCHER);

  private final ActorSystem<?> system;
  private final String name;
  private final ShardContext ctx;
  private final ShardRouter router;
  private final ActorRef<CommitCoordinator.Command> coordinator;
  private final ActorRef<Planner.Command> planner;
  private final Requests requests;
  private final AtomicLong sessions = new AtomicLong();

  private OrmDbActors(
      ActorSystem<?> system,
      String name,
      ShardContext ctx,
      ShardRouter router,
      ActorRef<CommitCoordinator.Command> coordinator,
      ActorRef<Planner.Command> planner,
      Requests requests) {
    this.system = system;
    this.name = name;
    this.ctx = ctx;
    this.router = router;
    this.coordinator = coordinator;
    this.planner = planner;
    this.requests = requests;
  }

  /**
   * Starts the actors of the instance {@code name} (unique in the system; the embedded extension
   * uses {@code "default"}) over {@code store}.
   */
  public static OrmDbActors start(
      ActorSystem<?> system, String name, OrmStore store, ActorSettings settings) {
    return start(system, name, store, settings, PlannerHooks.PASS_THROUGH);
  }

  public static OrmDbActors start(
      ActorSystem<?> system,
      String name,
      OrmStore store,
      ActorSettings settings,
      PlannerHooks hooks) {
    ShardContext ctx = ShardContext.create(system, store, settings);
    ShardRouter router = ShardRouter.start(system, ctx, name);
    WritePath writes = new WritePath(ctx, router);
    ActorRef<CommitCoordinator.Command> coordinator =
        system.systemActorOf(
            CommitCoordinator.create(writes), "ormdb-commit-" + name, Props.empty());
    Requests requests = new Requests(ctx, new ReadService(store, router, hooks), writes, hooks);
    ActorRef<Planner.Command> planner =
        system.systemActorOf(Planner.create(requests), "ormdb-planner-" + name, Props.empty());
    return new OrmDbActors(system, name, ctx, router, coordinator, planner, requests);
  }

  /**
   * A new session that starts with a handshake (for network servers). Sessions run on the store
   * dispatcher, so they read cheap graph queries on their own thread ({@link ConnectionActor}).
   */
  public ActorRef<ConnectionActor.Command> connect() {
    return system.systemActorOf(
        ConnectionActor.create(requests, name),
        "ormdb-session-" + name + "-" + sessions.incrementAndGet(),
        SESSION_PROPS);
  }

  /** A new embedded session: handshaken, every capability, every field in clear. */
  public ActorRef<ConnectionActor.Command> connectEmbedded() {
    return connectEmbedded(Sensitivity.RESTRICTED);
  }

  /**
   * A new embedded session, handshaken, that sees fields up to {@code clearance} in clear: fields
   * declared more sensitive are masked in its query results (per their {@code @mask}), and it may
   * not order, filter or aggregate by them (PERMISSION_DENIED).
   */
  public ActorRef<ConnectionActor.Command> connectEmbedded(Sensitivity clearance) {
    return system.systemActorOf(
        ConnectionActor.embedded(requests, clearance),
        "ormdb-embedded-" + name + "-" + sessions.incrementAndGet(),
        SESSION_PROPS);
  }

  /** What sessions do with their requests: the checks, the reads, the write path. */
  public Requests requests() {
    return requests;
  }

  /**
   * The reads of this instance's sessions — graph queries, aggregates, explains — to run on a
   * thread that may block on the store (the embedded API answers on its callers' threads with it;
   * never an actor's: a read may wait for the file when a page is not cached).
   */
  public ReadService reads() {
    return requests.reads();
  }

  public ActorRef<Planner.Command> planner() {
    return planner;
  }

  public ActorRef<CommitCoordinator.Command> coordinator() {
    return coordinator;
  }

  public ShardRouter router() {
    return router;
  }

  public OrmStore store() {
    return ctx.store();
  }

  public ActorSettings settings() {
    return ctx.settings();
  }
}
